package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.cli.RequestItem.Kind;
import org.junit.jupiter.api.Test;

class RequestItemTest {

    @Test
    void colonMakesAHeaderAndTrimsTheValue() {
        assertThat(RequestItem.parse("X-Auth-Token: secret"))
                .isEqualTo(new RequestItem(Kind.HEADER, "X-Auth-Token", "secret", null));
    }

    @Test
    void headerValueMayHoldColonsAndEquals() {
        assertThat(RequestItem.parse("X-Time:12:00=noon"))
                .isEqualTo(new RequestItem(Kind.HEADER, "X-Time", "12:00=noon", null));
    }

    @Test
    void colonWithoutValueRemovesTheHeaderAndSemicolonSendsItEmpty() {
        assertThat(RequestItem.parse("User-Agent:").kind()).isEqualTo(Kind.REMOVED_HEADER);
        assertThat(RequestItem.parse("X-Empty;")).isEqualTo(new RequestItem(Kind.EMPTY_HEADER, "X-Empty", "", null));
    }

    @Test
    void doubleEqualsMakesAQueryParameterWhoseValueKeepsEverything() {
        assertThat(RequestItem.parse("url==http://x/?a=b"))
                .isEqualTo(new RequestItem(Kind.QUERY, "url", "http://x/?a=b", null));
    }

    @Test
    void equalsMakesADataFieldAndColonEqualsRawJson() {
        assertThat(RequestItem.parse("name=john")).isEqualTo(new RequestItem(Kind.DATA, "name", "john", null));
        assertThat(RequestItem.parse("age:=42")).isEqualTo(new RequestItem(Kind.RAW_JSON, "age", "42", null));
        assertThat(RequestItem.parse("empty=")).isEqualTo(new RequestItem(Kind.DATA, "empty", "", null));
    }

    @Test
    void atAfterEqualsReadsTheFieldFromAFile() {
        assertThat(RequestItem.parse("bio=@bio.txt"))
                .isEqualTo(new RequestItem(Kind.DATA_FROM_FILE, "bio", "bio.txt", null));
        assertThat(RequestItem.parse("meta:=@meta.json"))
                .isEqualTo(new RequestItem(Kind.RAW_JSON_FROM_FILE, "meta", "meta.json", null));
    }

    @Test
    void atMakesAFilePartWithAnOptionalType() {
        assertThat(RequestItem.parse("upload_file@report.pdf"))
                .isEqualTo(new RequestItem(Kind.FILE, "upload_file", "report.pdf", null));
        assertThat(RequestItem.parse("photo@me.jpg;type=image/png"))
                .isEqualTo(new RequestItem(Kind.FILE, "photo", "me.jpg", "image/png"));
    }

    @Test
    void bareAtIsTheRawBodyAndDashIsStandardInput() {
        assertThat(RequestItem.parse("@data.xml"))
                .isEqualTo(new RequestItem(Kind.BODY_FROM_FILE, "", "data.xml", null));
        assertThat(RequestItem.parse("-").kind()).isEqualTo(Kind.BODY_FROM_STDIN);
    }

    @Test
    void backslashEscapesASeparatorInTheName() {
        assertThat(RequestItem.parse("a\\:b=c")).isEqualTo(new RequestItem(Kind.DATA, "a:b", "c", null));
        assertThat(RequestItem.parse("x\\=y==1")).isEqualTo(new RequestItem(Kind.QUERY, "x=y", "1", null));
    }

    @Test
    void theLeftmostSeparatorWinsAndTheLongestThere() {
        assertThat(RequestItem.parse("a=b:c").kind()).isEqualTo(Kind.DATA);
        assertThat(RequestItem.parse("a:b=c").kind()).isEqualTo(Kind.HEADER);
        assertThat(RequestItem.parse("a:=@f").kind()).isEqualTo(Kind.RAW_JSON_FROM_FILE);
    }

    @Test
    void anArgumentWithoutSeparatorOrNameIsRejected() {
        assertThatThrownBy(() -> RequestItem.parse("justaword")).hasMessageContaining("not a request item");
        assertThatThrownBy(() -> RequestItem.parse("=value")).hasMessageContaining("no name");
        assertThatThrownBy(() -> RequestItem.parse("f@")).hasMessageContaining("names no file");
        assertThatThrownBy(() -> RequestItem.parse("X;value")).hasMessageContaining("takes no value");
    }
}

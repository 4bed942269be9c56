package io.posthaste.internal.cookie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Public Suffix List algorithm against the bundled list, one rule type at a time, and the
 * precedence between rule types against small lists made for the purpose.
 */
class PublicSuffixesTest {

    private static final PublicSuffixes LIST = PublicSuffixes.bundled();

    private static PublicSuffixes listOf(String... rules) {
        return PublicSuffixes.parse(
                ("// a list for a test\n" + String.join("\n", rules) + "\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "co.il, co.il",
        "example.co.il, co.il",
        "www.example.co.il, co.il",
        "com.ar, com.ar",
        "shop.example.com.ar, com.ar",
        "k12.ak.us, k12.ak.us",
        "www.test.k12.ak.us, k12.ak.us", // three labels
        "ak.us, ak.us",
        "test.ak.us, ak.us",
        "il, il",
        "example.il, il",
    })
    void aNormalRuleMakesItsNameASuffixAtAnyDepth(String name, String suffix) {
        assertThat(LIST.publicSuffix(name)).isEqualTo(suffix);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "foo.ck, foo.ck",
        "www.foo.ck, foo.ck",
        "a.b.foo.ck, foo.ck", // *.ck
        "ck, ck", // no rule names ck itself: the default rule makes it a suffix
        "b.kawasaki.jp, b.kawasaki.jp",
        "a.b.kawasaki.jp, b.kawasaki.jp", // *.kawasaki.jp
        "kawasaki.jp, jp", // the wildcard needs a label to match
        "vm.eu-west-1.compute.amazonaws.com, eu-west-1.compute.amazonaws.com", // private section
    })
    void aWildcardRuleMakesEveryNameOneLabelBelowASuffix(String name, String suffix) {
        assertThat(LIST.publicSuffix(name)).isEqualTo(suffix);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "www.ck, ck", "a.www.ck, ck", // !www.ck under *.ck
        "city.kawasaki.jp, kawasaki.jp", "www.city.kawasaki.jp, kawasaki.jp", // under *.kawasaki.jp
        "city.kobe.jp, kobe.jp",
    })
    void anExceptionRuleMakesItsNameASiteUnderItsWildcard(String name, String suffix) {
        assertThat(LIST.publicSuffix(name)).isEqualTo(suffix);
        assertThat(LIST.isPublicSuffix(name)).isFalse();
    }

    @Test
    void anExceptionPrevailsOverEveryOtherMatchingRuleEvenALongerOne() {
        PublicSuffixes list = listOf("!x.b.a", "*.a", "*.b.a", "a", "z.y.x.b.a");

        assertThat(list.publicSuffix("z.y.x.b.a")).isEqualTo("b.a");
        assertThat(list.publicSuffix("x.b.a")).isEqualTo("b.a");
        assertThat(list.publicSuffix("w.b.a")).isEqualTo("w.b.a");
        assertThat(list.publicSuffix("c.a")).isEqualTo("c.a");
    }

    @Test
    void theRuleOfMostLabelsPrevailsWhetherNormalOrWildcard() {
        PublicSuffixes longerNormal = listOf("*.a", "a", "c.b.a");
        PublicSuffixes longerWildcard = listOf("*.b.a", "a", "b.a");

        assertThat(longerNormal.publicSuffix("x.c.b.a")).isEqualTo("c.b.a");
        assertThat(longerNormal.publicSuffix("x.d.b.a")).isEqualTo("b.a");
        assertThat(longerWildcard.publicSuffix("x.c.b.a")).isEqualTo("c.b.a");
        assertThat(longerWildcard.publicSuffix("b.a")).isEqualTo("b.a");
        assertThat(longerWildcard.publicSuffix("x.a")).isEqualTo("a");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "公司.cn, xn--55qx5d.cn",
        "食狮.公司.cn, xn--55qx5d.cn",
        "www.食狮.公司.cn, xn--55qx5d.cn",
        "xn--55qx5d.cn, xn--55qx5d.cn",
        "www.xn--85x722f.xn--55qx5d.cn, xn--55qx5d.cn",
        "WWW.XN--85X722F.XN--55QX5D.CN, xn--55qx5d.cn", // punycode in capitals
        "www.食狮。公司。cn, xn--55qx5d.cn", // ideographic full stops separate labels too
        "中国, xn--fiqs8s",
        "食狮.中国, xn--fiqs8s",
        "食狮.xn--fiqs8s, xn--fiqs8s",
        "xn--fiqs8s, xn--fiqs8s",
        "shishi.中国, xn--fiqs8s",
    })
    void anIdnRuleMatchesInUnicodeAndInPunycode(String name, String suffix) {
        assertThat(LIST.publicSuffix(name)).isEqualTo(suffix);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "example, example",
        "localhost, localhost",
        "corp, corp",
        "www.example.corp, corp",
        "a.b.example, example",
    })
    void aNameNoRuleMatchesHasItsLastLabelAsSuffixByTheDefaultRule(String name, String suffix) {
        assertThat(LIST.publicSuffix(name)).isEqualTo(suffix);
        assertThat(LIST.isPublicSuffix(suffix)).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "github.io, github.io",
        "me.github.io, github.io",
        "www.me.github.io, github.io",
        "blogspot.com, blogspot.com",
        "me.blogspot.com, blogspot.com",
    })
    void aPrivateRuleCountsLikeAnIcannOne(String name, String suffix) {
        assertThat(LIST.publicSuffix(name)).isEqualTo(suffix);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"CO.IL", "co.il.", "Co.Il.", "COM.AR.", "公司.CN."})
    void capitalsAndTheRootsTrailingDotNameTheSameSuffix(String name) {
        assertThat(LIST.isPublicSuffix(name)).isTrue();
        assertThat(LIST.publicSuffix("WWW.Example." + name)).isEqualTo(PublicSuffixes.canonicalize(name));
        assertThat(LIST.isPublicSuffix("WWW.Example." + name)).isFalse();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", ".", ".com", "example..com", "com..", "..", "a.\u0000\uffff.com"})
    void aNameWithAnEmptyOrInvalidLabelHasNoSuffix(String name) {
        assertThat(LIST.publicSuffix(name)).isNull();
        assertThat(LIST.isPublicSuffix(name)).isFalse();
    }

    @Test
    void theBundledListHoldsEveryRuleItsHeaderCounts() throws IOException {
        String header;
        try (InputStream in = PublicSuffixes.class.getResourceAsStream("public-suffixes.txt")) {
            header = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        Matcher counts =
                Pattern.compile("// (\\d+) ICANN and (\\d+) private rules").matcher(header);

        assertThat(counts.find()).isTrue();
        assertThat(LIST.ruleCount())
                .isEqualTo(Integer.parseInt(counts.group(1)) + Integer.parseInt(counts.group(2)))
                .isGreaterThan(9000);
        assertThat(header).containsPattern("// Source: .*sha256 [0-9a-f]{64}");
    }

    @Test
    void aListTheMatcherWouldMisreadIsRefused() {
        assertThatThrownBy(() -> listOf("com", "co.il")).hasMessage("rule 'co.il' is out of order");
        assertThatThrownBy(() -> listOf("a", "a")).hasMessage("rule 'a' is out of order");
        assertThatThrownBy(() -> listOf("a.*.b")).hasMessage("rule 'a.*.b' cannot be matched");
        assertThatThrownBy(() -> listOf("*ck")).hasMessage("rule '*ck' cannot be matched");
        assertThatThrownBy(() -> listOf("!ck")).hasMessage("rule '!ck' cannot be matched");
        assertThatThrownBy(() -> listOf("a", "", "b")).hasMessage("an empty line among the rules");
        assertThatThrownBy(() -> listOf("caf\u00e9.fr")).hasMessage("rule 'caf\u00e9.fr' cannot be matched");
    }
}

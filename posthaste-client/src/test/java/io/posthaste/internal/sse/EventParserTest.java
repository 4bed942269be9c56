package io.posthaste.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The WHATWG "event stream interpretation" (HTML section 9.2.6), case by case. */
class EventParserTest {

    /** What the sink heard, as "id|type|data|retry" per event and "retry=N" per retry field. */
    private final List<String> heard = new ArrayList<>();

    private final EventParser parser = new EventParser(
            new EventParser.Sink() {
                @Override
                public void event(String lastEventId, String type, String data, long retryMillis) {
                    heard.add(lastEventId + "|" + type + "|" + data + "|" + retryMillis);
                }

                @Override
                public void retry(long millis) {
                    heard.add("retry=" + millis);
                }
            },
            "",
            1024);

    private List<String> parse(String stream) {
        feed(stream.getBytes(StandardCharsets.UTF_8));
        return heard;
    }

    private void feed(byte[] bytes) {
        parser.feed(bytes, 0, bytes.length);
    }

    @Test
    void aBlankLineDispatchesAMessageEventWithTheDataLinesJoinedByLf() {
        assertThat(parse("data: one\ndata: two\n\n")).containsExactly("|message|one\ntwo|-1");
    }

    @Test
    void anEventIsNotDispatchedUntilItsBlankLineArrives() {
        assertThat(parse("data: pending\n")).isEmpty();
        assertThat(parse("\n")).containsExactly("|message|pending|-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r", "\r\n"})
    void everyLineEndIsALineEnd(String eol) {
        assertThat(parse("event: e" + eol + "data: x" + eol + eol)).containsExactly("|e|x|-1");
    }

    @Test
    void mixedLineEndsInOneStreamAreEachOneLineEnd() {
        assertThat(parse("data: a\rdata: b\r\ndata: c\n\r\n")).containsExactly("|message|a\nb\nc|-1");
    }

    @Test
    void aCrlfSplitBetweenTwoPiecesIsOneLineEndNotTwo() {
        feed("data: a\r".getBytes(StandardCharsets.UTF_8));
        feed("\ndata: b\r".getBytes(StandardCharsets.UTF_8));
        feed("\n\r".getBytes(StandardCharsets.UTF_8));
        feed("\n".getBytes(StandardCharsets.UTF_8));
        assertThat(heard).containsExactly("|message|a\nb|-1");
    }

    @Test
    void twoCrsInARowEndALineAndThenTheEvent() {
        assertThat(parse("data: a\r\r")).containsExactly("|message|a|-1");
    }

    @Test
    void onlyOneSpaceAfterTheColonIsDropped() {
        assertThat(parse("data:no space\n\ndata:  two spaces\n\n"))
                .containsExactly("|message|no space|-1", "|message| two spaces|-1");
    }

    @Test
    void aFieldWithoutAColonHasAnEmptyValue() {
        assertThat(parse("data\ndata\n\n")).containsExactly("|message|\n|-1");
    }

    @Test
    void aDataLineWithAnEmptyValueStillAddsALine() {
        assertThat(parse("data:\n\n")).containsExactly("|message||-1");
    }

    @Test
    void commentsAndUnknownFieldsAreIgnored() {
        assertThat(parse(": heartbeat\nfoo: bar\nDATA: shouting\ndata: x\n:\n\n"))
                .containsExactly("|message|x|-1");
    }

    @Test
    void aBlockWithoutDataDispatchesNothingAndForgetsItsType() {
        assertThat(parse("event: lonely\n\ndata: x\n\n")).containsExactly("|message|x|-1");
    }

    @Test
    void theEventTypeAppliesToOneEventOnly() {
        assertThat(parse("event: a\ndata: 1\n\ndata: 2\n\n")).containsExactly("|a|1|-1", "|message|2|-1");
    }

    @Test
    void anEmptyEventFieldMeansMessage() {
        assertThat(parse("event:\ndata: x\n\n")).containsExactly("|message|x|-1");
    }

    @Test
    void theLastEventIdPersistsAcrossEventsUntilChanged() {
        assertThat(parse("id: 7\ndata: a\n\ndata: b\n\nid: 8\ndata: c\n\n"))
                .containsExactly("7|message|a|-1", "7|message|b|-1", "8|message|c|-1");
    }

    @Test
    void anEmptyIdResetsTheLastEventId() {
        assertThat(parse("id: 7\ndata: a\n\nid\ndata: b\n\n")).containsExactly("7|message|a|-1", "|message|b|-1");
    }

    @Test
    void anIdContainingNulIsIgnored() {
        assertThat(parse("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"))
                .containsExactly("1|message|a|-1", "1|message|b|-1");
    }

    @Test
    void anIdOnlyBlockChangesTheLastEventIdWithoutAnEvent() {
        assertThat(parse("id: 5\n\n")).isEmpty();
        assertThat(parser.lastEventId()).isEqualTo("5");
    }

    @Test
    void retryIsTakenOnlyWhenItIsAllAsciiDigits() {
        assertThat(parse("retry: 1500\n\nretry: 1.5\nretry: -1\nretry: 12a\nretry:\nretry: ١٢\ndata: x\n\n"))
                .containsExactly("retry=1500", "|message|x|-1");
    }

    @Test
    void aRetryInsideAnEventIsReportedWithIt() {
        assertThat(parse("retry: 250\ndata: x\n\ndata: y\n\n"))
                .containsExactly("retry=250", "|message|x|250", "|message|y|-1");
    }

    @Test
    void aRetryTooLargeForALongSaturates() {
        assertThat(parse("retry: 99999999999999999999999\n\n")).containsExactly("retry=" + Long.MAX_VALUE);
    }

    @Test
    void oneLeadingByteOrderMarkIsSkippedEvenWhenSplit() {
        feed(new byte[] {(byte) 0xEF});
        feed(new byte[] {(byte) 0xBB, (byte) 0xBF, 'd'});
        feed("ata: x\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(heard).containsExactly("|message|x|-1");
    }

    @Test
    void aSecondByteOrderMarkIsContent() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        feed(bom);
        feed(bom);
        feed("data: x\n\n".getBytes(StandardCharsets.UTF_8));
        // "\uFEFFdata" is not the field "data".
        assertThat(heard).isEmpty();
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        feed(new byte[] {'d', 'a', 't', 'a', ':', ' ', (byte) 0xC3, 0x28, (byte) 0xFF, '\n', '\n'});
        assertThat(heard).containsExactly("|message|\uFFFD(\uFFFD|-1");
    }

    @Test
    void aMultiByteCharacterSplitAcrossPiecesSurvives() {
        byte[] euro = "data: €\n\n".getBytes(StandardCharsets.UTF_8);
        parser.feed(euro, 0, 7);
        parser.feed(euro, 7, euro.length - 7);
        assertThat(heard).containsExactly("|message|€|-1");
    }

    @Test
    void theEndOfAStreamDiscardsTheEventInProgressButKeepsTheId() {
        parse("id: 3\ndata: cut");
        parser.reset();
        assertThat(parse("data: fresh\n\n")).containsExactly("3|message|fresh|-1");
    }

    @Test
    void aLineOverTheLimitIsRefusedEvenWhenItArrivesInPieces() {
        byte[] piece = new byte[600];
        java.util.Arrays.fill(piece, (byte) 'a');
        parser.feed(piece, 0, piece.length);
        assertThatThrownBy(() -> parser.feed(piece, 0, piece.length))
                .isInstanceOf(EventParser.TooLarge.class)
                .hasMessageContaining("1024 bytes");
    }

    @Test
    void dataOverTheLimitIsRefusedEvenInShortLines() {
        String line = "data: " + "x".repeat(300) + "\n";
        assertThatThrownBy(() -> parse(line.repeat(4)))
                .isInstanceOf(EventParser.TooLarge.class)
                .hasMessageContaining("1024 characters");
    }

    @Test
    void theStartingIdIsTheLastEventIdUntilTheStreamSetsOne() {
        List<String> ids = new ArrayList<>();
        EventParser resumed = new EventParser(
                new EventParser.Sink() {
                    @Override
                    public void event(String lastEventId, String type, String data, long retryMillis) {
                        ids.add(lastEventId);
                    }

                    @Override
                    public void retry(long millis) {}
                },
                "41",
                1024);
        byte[] bytes = "data: a\n\nid: 42\ndata: b\n\n".getBytes(StandardCharsets.UTF_8);
        resumed.feed(bytes, 0, bytes.length);
        assertThat(ids).containsExactly("41", "42");
    }
}

package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Caption sidecars read back by strict readers of each format give the cues they were made from. */
class CaptionsTest {

    private static final Pattern VTT_TIME = Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{3}) --> "
            + "(\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{3})");
    private static final Pattern SRT_TIME = Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2}),(\\d{3}) --> "
            + "(\\d{2}):(\\d{2}):(\\d{2}),(\\d{3})");

    private static final List<Captions.Cue> CUES = List.of(
            new Captions.Cue(0, 1.5, "Spring is here."),
            new Captions.Cue(1.5, 3.25, "Taste it <fresh> & cold\n\nall season"),
            new Captions.Cue(3.25, 61.004, "A --> B"));

    @Test
    void webVttReadsBackAsTheCues() {
        List<Captions.Cue> read = readVtt(Captions.webVtt(CUES));

        assertThat(read).extracting(Captions.Cue::start).containsExactly(0.0, 1.5, 3.25);
        assertThat(read).extracting(Captions.Cue::end).containsExactly(1.5, 3.25, 61.004);
        assertThat(read).extracting(Captions.Cue::text)
                .containsExactly("Spring is here.", "Taste it <fresh> & cold\nall season", "A -> B");
    }

    @Test
    void srtReadsBackAsTheCuesNumberedFromOne() {
        String srt = Captions.srt(CUES);

        assertThat(srt).startsWith("1\r\n00:00:00,000 --> 00:00:01,500\r\nSpring is here.\r\n\r\n2\r\n");
        assertThat(readSrt(srt)).extracting(Captions.Cue::text)
                .containsExactly("Spring is here.", "Taste it <fresh> & cold\nall season", "A -> B");
        assertThat(readSrt(srt)).extracting(Captions.Cue::end).containsExactly(1.5, 3.25, 61.004);
    }

    @Test
    void cuesAreCutToTheClip() {
        List<Captions.Cue> cut = Captions.within(CUES, 3.0);

        assertThat(cut).hasSize(2);
        assertThat(cut.get(1).end()).isEqualTo(3.0);
    }

    @Test
    void aCueMustEndAfterItStartsAndSaySomething() {
        assertThatThrownBy(() -> new Captions.Cue(2, 2, "x")).hasMessageContaining("ends after it starts");
        assertThatThrownBy(() -> new Captions.Cue(0, 1, " ")).hasMessageContaining("has text");
    }

    private static List<Captions.Cue> readVtt(String file) {
        assertThat(file).startsWith("WEBVTT\n");
        List<Captions.Cue> cues = new ArrayList<>();
        for (String block : file.substring("WEBVTT\n".length()).strip().split("\n\n")) {
            String[] lines = block.split("\n");
            Matcher m = VTT_TIME.matcher(lines[0]);
            assertThat(m.matches()).as("timing line %s", lines[0]).isTrue();
            String text = String.join("\n", List.of(lines).subList(1, lines.length))
                    .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
            assertThat(text).doesNotContain("-->");
            cues.add(new Captions.Cue(seconds(m, 1), seconds(m, 5), text));
        }
        return cues;
    }

    private static List<Captions.Cue> readSrt(String file) {
        List<Captions.Cue> cues = new ArrayList<>();
        int n = 1;
        for (String block : file.strip().split("\r\n\r\n")) {
            String[] lines = block.split("\r\n");
            assertThat(lines[0]).isEqualTo(Integer.toString(n++));
            Matcher m = SRT_TIME.matcher(lines[1]);
            assertThat(m.matches()).as("timing line %s", lines[1]).isTrue();
            cues.add(new Captions.Cue(seconds(m, 1), seconds(m, 5),
                    String.join("\n", List.of(lines).subList(2, lines.length))));
        }
        return cues;
    }

    private static double seconds(Matcher m, int group) {
        return Integer.parseInt(m.group(group)) * 3600 + Integer.parseInt(m.group(group + 1)) * 60
                + Integer.parseInt(m.group(group + 2)) + Integer.parseInt(m.group(group + 3)) / 1000.0;
    }
}

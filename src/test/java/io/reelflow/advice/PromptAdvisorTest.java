package io.reelflow.advice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class PromptAdvisorTest {

    private static List<String> codes(String prompt, int seconds) {
        return PromptAdvisor.advise(prompt, seconds).stream().map(PromptAdvisor.Advice::code).toList();
    }

    @Test
    void aConcreteSceneWithCameraAndLightGetsNoAdvice() {
        assertThat(codes("Slow dolly in on a ceramic cup on a marble counter at golden hour, steam rising;"
                + " soft cafe chatter.", 4)).isEmpty();
    }

    @Test
    void aShortVaguePromptIsToldWhatIsMissing() {
        assertThat(codes("A beautiful product video", 4))
                .containsExactly("too-short", "vague", "no-camera", "no-lighting");
    }

    @Test
    void onScreenTextAndLogosAreFlagged() {
        List<PromptAdvisor.Advice> advice = PromptAdvisor.advise("Static wide shot of a storefront at dusk with a neon"
                + " sign that reads OPEN and our logo on the window", 4);
        assertThat(advice).extracting(PromptAdvisor.Advice::code).containsExactly("on-screen-text");
        assertThat(advice.get(0).message()).contains("sign that reads");
    }

    @Test
    void aSequenceOfActionsIsTooMuchForAShortClipButNotForALongOne() {
        String prompt = "Handheld shot in soft daylight: a runner ties her shoes, then sprints up the stairs"
                + " and finally raises her arms at the top.";
        assertThat(codes(prompt, 4)).containsExactly("many-actions");
        assertThat(codes(prompt, 12)).isEmpty();
        assertThat(codes("Orbit around a bicycle by a brick wall under a warm street lamp at night, next to a"
                + " puddle that reflects it.", 4)).isEmpty();
    }

    @Test
    void adviceNeverComesForAnEmptyPrompt() {
        assertThat(PromptAdvisor.advise("  ", 4)).isEmpty();
    }
}

package io.reelflow.media;

/** A frame size in pixels; the product knows standard (720p) and high (1024p) sizes in both orientations. */
public record FrameSize(int width, int height) {

    public static FrameSize of(Resolution resolution, AspectRatio aspectRatio) {
        int longSide = resolution == Resolution.HIGH ? 1792 : 1280;
        int shortSide = resolution == Resolution.HIGH ? 1024 : 720;
        return aspectRatio == AspectRatio.LANDSCAPE
                ? new FrameSize(longSide, shortSide)
                : new FrameSize(shortSide, longSide);
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}

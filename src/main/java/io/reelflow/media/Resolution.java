package io.reelflow.media;

/** Render resolution: standard is 720p (drafts), high is 1024p (finals). */
public enum Resolution {
    STANDARD,
    HIGH
}

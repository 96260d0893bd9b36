package io.reelflow.media;

import java.nio.file.Path;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * How Reelflow writes every MP4 it makes: H.264 in 4:2:0 with a keyframe every two seconds, AAC when there is
 * sound, and the index at the front so players start before the whole file has arrived.
 */
final class Mp4 {

    private Mp4() {
    }

    /** A recorder not yet started; {@code channels} 0 writes no sound. */
    static FFmpegFrameRecorder recorder(Path out, FrameSize size, double frameRate, int videoBitrate, int channels,
            int sampleRate, int audioBitrate) {
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out.toFile(), size.width(), size.height(), channels);
        recorder.setFormat("mp4");
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(frameRate);
        recorder.setGopSize((int) Math.round(frameRate * 2));
        recorder.setVideoBitrate(videoBitrate);
        if (channels > 0) {
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(sampleRate);
            recorder.setAudioChannels(channels);
            recorder.setAudioBitrate(audioBitrate);
        }
        recorder.setOption("movflags", "+faststart");
        return recorder;
    }
}

package io.reelflow.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

import io.reelflow.storage.Hashing;

/**
 * What a stored video holds besides its content credentials: Reelflow appends the C2PA manifest store as the
 * file's last top-level box, so the bytes before it are the video as it was (a provider's file landed unchanged is
 * byte for byte what the provider served).
 */
public final class Credentials {

    private static final byte[] C2PA_UUID = HexFormat.of().parseHex("d8fec3d61b0e483c92975828877ec481");

    private Credentials() {
    }

    /** The bytes before the trailing C2PA manifest box; the file as is when it carries none. */
    public static byte[] withoutCredentials(byte[] mp4) {
        ByteBuffer buffer = ByteBuffer.wrap(mp4);
        int position = 0;
        while (position + 8 <= mp4.length) {
            long size = Integer.toUnsignedLong(buffer.getInt(position));
            if (size == 1) {
                size = buffer.getLong(position + 8);
            }
            if (size < 8 || position + size > mp4.length) {
                break;
            }
            boolean c2pa = new String(mp4, position + 4, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("uuid")
                    && Arrays.equals(Arrays.copyOfRange(mp4, position + 8, position + 24), C2PA_UUID);
            if (c2pa && position + size == mp4.length) {
                return Arrays.copyOf(mp4, position);
            }
            position += (int) size;
        }
        return mp4;
    }

    /** Whether the file ends with a C2PA manifest box. */
    public static boolean carriesCredentials(byte[] mp4) {
        return withoutCredentials(mp4).length < mp4.length;
    }

    /** The SHA-256 (hex) of the file without its trailing C2PA manifest box. */
    public static String sha256WithoutCredentials(Path file) throws IOException {
        return HexFormat.of().formatHex(Hashing.sha256().digest(withoutCredentials(Files.readAllBytes(file))));
    }

    /** The SHA-256 (hex) of the bytes without their trailing C2PA manifest box. */
    public static String sha256WithoutCredentials(byte[] mp4) {
        return HexFormat.of().formatHex(Hashing.sha256().digest(withoutCredentials(mp4)));
    }
}

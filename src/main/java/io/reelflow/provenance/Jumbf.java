package io.reelflow.provenance;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * JUMBF boxes (ISO/IEC 19566-5) as C2PA uses them: a superbox ({@code jumb}) is a description box ({@code jumd}: a
 * type UUID, toggles, a label) followed by content boxes; a content box is a size, a four-character type and its
 * bytes. C2PA's type UUIDs are its four-character codes followed by {@code 0011-0010-8000-00AA00389B71}.
 */
final class Jumbf {

    /** The manifest store, a manifest, the assertion store, a claim, a claim signature, a CBOR assertion. */
    static final String STORE = "c2pa";
    static final String MANIFEST = "c2ma";
    static final String ASSERTIONS = "c2as";
    static final String CLAIM = "c2cl";
    static final String SIGNATURE = "c2cs";
    static final String CBOR = "cbor";

    private static final byte[] UUID_TAIL = { 0x00, 0x11, 0x00, 0x10, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38,
            (byte) 0x9B, 0x71 };
    /** Requestable, with a label. */
    private static final byte TOGGLES = 0x03;

    private Jumbf() {
    }

    /** A box: 32-bit size, four-character type, payload. */
    static byte[] box(String type, byte[] payload) {
        ByteBuffer box = ByteBuffer.allocate(8 + payload.length);
        box.putInt(8 + payload.length).put(type.getBytes(StandardCharsets.US_ASCII)).put(payload);
        return box.array();
    }

    /** A superbox of C2PA type {@code code} labelled {@code label}, holding {@code children}. */
    static byte[] superbox(String code, String label, byte[]... children) {
        return box("jumb", content(code, label, children));
    }

    /** What a superbox holds after its own header: its description box and its children (what hashed URIs hash). */
    static byte[] content(String code, String label, byte[]... children) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(description(code, label));
        for (byte[] child : children) {
            out.writeBytes(child);
        }
        return out.toByteArray();
    }

    /** The payload of a superbox's header, given its content. */
    static byte[] superboxOf(byte[] content) {
        return box("jumb", content);
    }

    /** The child boxes of a superbox (after its description box), each whole with its header. */
    static java.util.List<byte[]> children(byte[] superbox) {
        java.util.List<byte[]> boxes = new java.util.ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(superbox);
        if (superbox.length < 16) {
            return boxes;
        }
        int position = 8;
        boolean first = true;
        while (position + 8 <= superbox.length) {
            int size = buffer.getInt(position);
            if (size < 8 || position + size > superbox.length) {
                break;
            }
            if (!first) {
                boxes.add(java.util.Arrays.copyOfRange(superbox, position, position + size));
            }
            first = false;
            position += size;
        }
        return boxes;
    }

    /** The label of a superbox: its description box's null-terminated label. */
    static String label(byte[] superbox) {
        // jumb header (8), jumd header (8), type (16), toggles (1), then the label.
        int start = 8 + 8 + 16 + 1;
        int end = start;
        while (end < superbox.length && superbox[end] != 0) {
            end++;
        }
        return new String(superbox, start, end - start, StandardCharsets.UTF_8);
    }

    private static byte[] description(String code, String label) {
        byte[] name = label.getBytes(StandardCharsets.UTF_8);
        ByteBuffer jumd = ByteBuffer.allocate(16 + 1 + name.length + 1);
        jumd.put(code.getBytes(StandardCharsets.US_ASCII)).put(UUID_TAIL).put(TOGGLES).put(name).put((byte) 0);
        return box("jumd", jumd.array());
    }
}

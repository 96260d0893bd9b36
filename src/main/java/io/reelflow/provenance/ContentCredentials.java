package io.reelflow.provenance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

/**
 * Writes C2PA content credentials (C2PA 2.1) into an MP4: a manifest store in a top-level {@code uuid} box appended
 * after the file's own boxes, so no sample offset moves and nothing is copied. The manifest's claim (v2) lists its
 * assertions by hashed URI and is signed with COSE_Sign1 (ES256, the certificate chain in the protected header);
 * a BMFF hash assertion (v3) binds the file: SHA-256 over every top-level box except {@code ftyp} and the manifest
 * box itself, each preceded by its offset. Actions say how the video was made ({@code c2pa.created} by a model,
 * digital source type trainedAlgorithmicMedia) and what was done to it after; ingredients name the files it came
 * from by their hash.
 */
public final class ContentCredentials {

    /** The user type of the C2PA manifest box. */
    static final byte[] C2PA_UUID = { (byte) 0xd8, (byte) 0xfe, (byte) 0xc3, (byte) 0xd6, 0x1b, 0x0e, 0x48, 0x3c,
            (byte) 0x92, (byte) 0x97, 0x58, 0x28, (byte) 0x87, 0x7e, (byte) 0xc4, (byte) 0x81 };
    public static final String TRAINED_ALGORITHMIC_MEDIA =
            "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
    private static final int ES256 = -7;
    private static final int X5CHAIN = 33;
    private static final ObjectMapper CBOR = new CBORMapper();

    /** One action of the manifest ({@code c2pa.created}, {@code c2pa.transcoded}, ...). */
    public record Action(String action, String softwareAgent, String description, String digitalSourceType,
            Ingredient component) {

        /** The video was made by {@code model}: trained algorithmic media. */
        public static Action created(String model, String description) {
            return new Action("c2pa.created", model, description, TRAINED_ALGORITHMIC_MEDIA, null);
        }

        /** Something Reelflow did to it. */
        public static Action edited(String action, String description) {
            return new Action(action, "Reelflow", description, null, null);
        }

        /** Reelflow placed {@code component} (a logo) into it: the component is an ingredient the action names. */
        public static Action placed(String description, Ingredient component) {
            return new Action("c2pa.placed", "Reelflow", description, null, component);
        }
    }

    /** A file the video was made from, by its SHA-256: {@code componentOf} or {@code parentOf}. */
    public record Ingredient(String title, String format, String sha256, String relationship, byte[] manifestStore) {

        public Ingredient(String title, String format, String sha256, String relationship) {
            this(title, format, sha256, relationship, null);
        }
    }

    /**
     * What the manifest says: the file's title, its actions in order, its ingredients, and Reelflow's own record of
     * the job (an assertion labelled {@code io.reelflow.job}; the prompt only where the campaign allows it).
     */
    public record Statement(String title, List<Action> actions, List<Ingredient> ingredients,
            Map<String, Object> job) {
    }

    /**
     * What was written: the manifest's label, the whole signed file's SHA-256 (hex) and size, and a one-line summary
     * of what the credentials say (for people: the manifest itself is the record).
     */
    public record Signed(String label, String sha256, long sizeBytes, String summary) {
    }

    /** A top-level box of the file: where it starts, how long it is, its type. */
    record TopBox(long offset, long size, String type, boolean c2pa) {
    }

    private final SigningIdentity identity;
    private final String generatorVersion;

    public ContentCredentials(SigningIdentity identity, String generatorVersion) {
        this.identity = identity;
        this.generatorVersion = generatorVersion;
    }

    public SigningIdentity identity() {
        return identity;
    }

    /**
     * Appends signed credentials to {@code mp4} in one read of the file (the BMFF hash and the whole file's hash are
     * taken together) and one append; returns what was written.
     */
    public Signed sign(Path mp4, Statement statement) throws IOException {
        try (FileChannel file = FileChannel.open(mp4, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            List<TopBox> boxes = topBoxes(file);
            if (boxes.stream().anyMatch(TopBox::c2pa)) {
                throw new IOException(mp4.getFileName() + " already carries a C2PA manifest store");
            }
            MessageDigest whole = sha256();
            byte[] hash = bmffHash(file, boxes, whole);
            String label = "urn:c2pa:" + UUID.randomUUID();
            List<byte[]> manifests = new ArrayList<>(priorManifests(statement.ingredients()));
            manifests.add(manifest(label, statement, hash));
            byte[] store = Jumbf.superbox(Jumbf.STORE, "c2pa", manifests.toArray(byte[][]::new));
            file.position(file.size());
            ByteBuffer box = ByteBuffer.allocate(8 + 16 + 4 + 9 + 8 + store.length);
            box.putInt(box.capacity()).put("uuid".getBytes(StandardCharsets.US_ASCII)).put(C2PA_UUID).putInt(0)
                    .put("manifest\0".getBytes(StandardCharsets.US_ASCII)).putLong(0).put(store).flip();
            whole.update(box.duplicate());
            while (box.hasRemaining()) {
                file.write(box);
            }
            file.force(false);
            return new Signed(label, java.util.HexFormat.of().formatHex(whole.digest()), file.size(),
                    summary(statement));
        }
    }

    private String summary(Statement statement) {
        StringBuilder text = new StringBuilder();
        List<String> edits = new ArrayList<>();
        for (Action action : statement.actions()) {
            if (action.action().equals("c2pa.created")) {
                text.append("AI-generated (").append(action.softwareAgent()).append(")");
            } else {
                edits.add(action.action().substring(action.action().indexOf('.') + 1));
            }
        }
        if (!edits.isEmpty()) {
            text.append("; then ").append(String.join(", ", edits)).append(" by Reelflow");
        }
        return text.append("; signed by ").append(identity.signer()).toString();
    }

    /** The C2PA manifest store (JUMBF) {@code mp4} carries, if it carries one. */
    public static java.util.Optional<byte[]> manifestStore(Path mp4) {
        try (FileChannel file = FileChannel.open(mp4, StandardOpenOption.READ)) {
            for (TopBox box : topBoxes(file)) {
                if (!box.c2pa() || box.size() > Integer.MAX_VALUE) {
                    continue;
                }
                ByteBuffer bytes = ByteBuffer.allocate((int) box.size());
                while (bytes.hasRemaining() && file.read(bytes, box.offset() + bytes.position()) > 0) {
                    // reading the box
                }
                byte[] all = bytes.array();
                // size, type, user type, version and flags, then the purpose (null-terminated) and a merkle offset.
                int purpose = 8 + 16 + 4;
                int end = purpose;
                while (end < all.length && all[end] != 0) {
                    end++;
                }
                if (!new String(all, purpose, end - purpose, StandardCharsets.US_ASCII).equals("manifest")) {
                    continue;
                }
                int start = end + 1 + 8;
                return start < all.length ? java.util.Optional.of(java.util.Arrays.copyOfRange(all, start, all.length))
                        : java.util.Optional.empty();
            }
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }

    /** The file's top-level boxes; a box that claims to run to the end of the file (size 0) is refused. */
    static List<TopBox> topBoxes(FileChannel file) throws IOException {
        List<TopBox> boxes = new ArrayList<>();
        long length = file.size();
        long position = 0;
        ByteBuffer header = ByteBuffer.allocate(32);
        while (position < length) {
            header.clear().limit((int) Math.min(32, length - position));
            file.read(header, position);
            header.flip();
            if (header.remaining() < 8) {
                throw new IOException("not an MP4: a box header is cut short at byte " + position);
            }
            long size = Integer.toUnsignedLong(header.getInt(0));
            String type = new String(new byte[] { header.get(4), header.get(5), header.get(6), header.get(7) },
                    StandardCharsets.US_ASCII);
            int headerLength = 8;
            if (size == 1) {
                size = header.getLong(8);
                headerLength = 16;
            } else if (size == 0) {
                throw new IOException("box '" + type + "' runs to the end of the file; content credentials need sized boxes");
            }
            if (size < headerLength || position + size > length) {
                throw new IOException("not an MP4: box '" + type + "' at byte " + position + " has size " + size);
            }
            boolean c2pa = false;
            if (type.equals("uuid") && header.remaining() >= headerLength + 16) {
                byte[] user = new byte[16];
                header.get(headerLength, user);
                c2pa = java.util.Arrays.equals(user, C2PA_UUID);
            }
            boxes.add(new TopBox(position, size, type, c2pa));
            position += size;
        }
        if (boxes.isEmpty() || !boxes.get(0).type().equals("ftyp")) {
            throw new IOException("not an MP4: it does not start with an ftyp box");
        }
        return boxes;
    }

    /**
     * SHA-256 over every top-level box but {@code ftyp}, {@code mfra} and the manifest box, each after its 8-byte
     * offset; every byte read is also given to {@code whole}.
     */
    static byte[] bmffHash(FileChannel file, List<TopBox> boxes, MessageDigest whole) throws IOException {
        MessageDigest digest = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        for (TopBox box : boxes) {
            boolean excluded = box.type().equals("ftyp") || box.type().equals("mfra") || box.c2pa();
            if (!excluded) {
                digest.update(ByteBuffer.allocate(8).putLong(box.offset()).array());
            }
            long position = box.offset();
            long end = box.offset() + box.size();
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int read = file.read(buffer, position);
                if (read < 0) {
                    throw new IOException("the file ended inside box '" + box.type() + "'");
                }
                buffer.flip();
                whole.update(buffer.duplicate());
                if (!excluded) {
                    digest.update(buffer);
                }
                position += read;
            }
        }
        return digest.digest();
    }

    private byte[] manifest(String label, Statement statement, byte[] hash) throws IOException {
        Map<String, byte[]> assertions = new LinkedHashMap<>();
        // Ingredients first: an action that places one names it by hashed URI.
        List<Ingredient> ingredients = new ArrayList<>(statement.ingredients());
        statement.actions().stream().map(Action::component).filter(java.util.Objects::nonNull)
                .filter(c -> !ingredients.contains(c)).forEach(ingredients::add);
        Map<Ingredient, Map<String, Object>> references = new java.util.HashMap<>();
        int i = 0;
        for (Ingredient ingredient : ingredients) {
            String name = "c2pa.ingredient.v3" + (i++ == 0 ? "" : "__" + i);
            byte[] cbor = CBOR.writeValueAsBytes(ingredient(ingredient));
            assertions.put(name, cbor);
            references.put(ingredient, hashedUri(label, name, cbor));
        }
        assertions.put("c2pa.actions.v2", CBOR.writeValueAsBytes(actions(statement.actions(), references)));
        if (statement.job() != null && !statement.job().isEmpty()) {
            assertions.put("io.reelflow.job", CBOR.writeValueAsBytes(statement.job()));
        }
        assertions.put("c2pa.hash.bmff.v3", CBOR.writeValueAsBytes(bmffAssertion(hash)));

        List<Map<String, Object>> created = new ArrayList<>();
        ByteArrayOutputStream store = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> assertion : assertions.entrySet()) {
            byte[] content = Jumbf.content(Jumbf.CBOR, assertion.getKey(), Jumbf.box("cbor", assertion.getValue()));
            store.writeBytes(Jumbf.superboxOf(content));
            created.add(hashedUri(label, assertion.getKey(), assertion.getValue()));
        }
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("instanceID", "xmp:iid:" + UUID.randomUUID());
        claim.put("claim_generator_info", Map.of("name", "Reelflow", "version", generatorVersion));
        claim.put("signature", "self#jumbf=/c2pa/" + label + "/c2pa.signature");
        claim.put("created_assertions", created);
        claim.put("dc:title", statement.title());
        claim.put("alg", "sha256");
        byte[] claimBytes = CBOR.writeValueAsBytes(claim);

        byte[] assertionStore = Jumbf.box("jumb", concat(Jumbf.content(Jumbf.ASSERTIONS, "c2pa.assertions"),
                store.toByteArray()));
        byte[] claimBox = Jumbf.superbox(Jumbf.CLAIM, "c2pa.claim.v2", Jumbf.box("cbor", claimBytes));
        byte[] signatureBox = Jumbf.superbox(Jumbf.SIGNATURE, "c2pa.signature", Jumbf.box("cbor", sign(claimBytes)));
        return Jumbf.superbox(Jumbf.MANIFEST, label, assertionStore, claimBox, signatureBox);
    }

    /** The manifests of the ingredients' own stores, in order, to go into this store before its own manifest. */
    static List<byte[]> priorManifests(List<Ingredient> ingredients) {
        List<byte[]> manifests = new ArrayList<>();
        for (Ingredient ingredient : ingredients) {
            if (ingredient.manifestStore() != null) {
                manifests.addAll(Jumbf.children(ingredient.manifestStore()));
            }
        }
        return manifests;
    }

    /** The hashed URI of the CBOR assertion {@code name}: its JUMBF superbox's content, hashed. */
    private static Map<String, Object> hashedUri(String label, String name, byte[] cbor) {
        byte[] content = Jumbf.content(Jumbf.CBOR, name, Jumbf.box("cbor", cbor));
        Map<String, Object> uri = new LinkedHashMap<>();
        uri.put("url", "self#jumbf=/c2pa/" + label + "/c2pa.assertions/" + name);
        uri.put("hash", sha256().digest(content));
        return uri;
    }

    private static Map<String, Object> actions(List<Action> actions, Map<Ingredient, Map<String, Object>> references) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Action action : actions) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("action", action.action());
            if (action.component() != null) {
                a.put("parameters", Map.of("ingredients", List.of(references.get(action.component()))));
            }
            if (action.softwareAgent() != null) {
                a.put("softwareAgent", Map.of("name", action.softwareAgent()));
            }
            if (action.digitalSourceType() != null) {
                a.put("digitalSourceType", action.digitalSourceType());
            }
            if (action.description() != null) {
                a.put("description", action.description());
            }
            list.add(a);
        }
        return Map.of("actions", list);
    }

    private static Map<String, Object> ingredient(Ingredient ingredient) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("dc:title", ingredient.title());
        i.put("dc:format", ingredient.format());
        i.put("relationship", ingredient.relationship());
        i.put("description", "sha256:" + ingredient.sha256());
        if (ingredient.manifestStore() != null) {
            // The ingredient's own credentials travel in this store; their active (last) manifest is named here.
            List<byte[]> manifests = Jumbf.children(ingredient.manifestStore());
            if (!manifests.isEmpty()) {
                byte[] active = manifests.get(manifests.size() - 1);
                Map<String, Object> uri = new LinkedHashMap<>();
                uri.put("url", "self#jumbf=/c2pa/" + Jumbf.label(active));
                uri.put("hash", sha256().digest(java.util.Arrays.copyOfRange(active, 8, active.length)));
                i.put("activeManifest", uri);
                i.put("validationResults", Map.of("activeManifest",
                        Map.of("success", List.of(), "informational", List.of(), "failure", List.of())));
            }
        }
        return i;
    }

    private static Map<String, Object> bmffAssertion(byte[] hash) {
        Map<String, Object> uuidExclusion = new LinkedHashMap<>();
        uuidExclusion.put("xpath", "/uuid");
        uuidExclusion.put("data", List.of(Map.of("offset", 8, "value", C2PA_UUID)));
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("exclusions", List.of(uuidExclusion, Map.of("xpath", "/ftyp"), Map.of("xpath", "/mfra")));
        a.put("alg", "sha256");
        a.put("hash", hash);
        a.put("name", "jumbf manifest");
        return a;
    }

    /** COSE_Sign1 (tag 18) over the claim, detached: ES256, the certificate chain in the protected header. */
    private byte[] sign(byte[] claim) throws IOException {
        byte[] protectedHeader = cbor(g -> {
            g.writeStartObject(null, 2);
            g.writeFieldId(1);
            g.writeNumber(ES256);
            g.writeFieldId(X5CHAIN);
            List<X509Certificate> chain = identity.chain();
            if (chain.size() == 1) {
                g.writeBinary(der(chain.get(0)));
            } else {
                g.writeStartArray(null, chain.size());
                for (X509Certificate c : chain) {
                    g.writeBinary(der(c));
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
        byte[] toBeSigned = cbor(g -> {
            g.writeStartArray(null, 4);
            g.writeString("Signature1");
            g.writeBinary(protectedHeader);
            g.writeBinary(new byte[0]);
            g.writeBinary(claim);
            g.writeEndArray();
        });
        byte[] signature;
        try {
            Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
            es256.initSign(identity.key());
            es256.update(toBeSigned);
            signature = es256.sign();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot sign the claim: " + e.getMessage(), e);
        }
        return cbor(g -> {
            g.writeTag(18);
            g.writeStartArray(null, 4);
            g.writeBinary(protectedHeader);
            g.writeStartObject(null, 0);
            g.writeEndObject();
            g.writeNull();
            g.writeBinary(signature);
            g.writeEndArray();
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] der(X509Certificate certificate) throws IOException {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IOException(e);
        }
    }

    private interface Writing {
        void write(CBORGenerator generator) throws IOException;
    }

    private static byte[] cbor(Writing writing) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator generator = new CBORFactory().createGenerator(out)) {
            writing.write(generator);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

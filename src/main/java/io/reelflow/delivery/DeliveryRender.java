package io.reelflow.delivery;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import javax.imageio.ImageIO;

import io.reelflow.campaign.Brand;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.BrandKit;
import io.reelflow.media.Captions;
import io.reelflow.media.Deliverables;
import io.reelflow.media.MediaProbe;
import io.reelflow.media.Placement;
import io.reelflow.provenance.ContentCredentials;
import io.reelflow.provenance.CredentialSigning;
import io.reelflow.reference.ReferenceImageException;
import io.reelflow.reference.ReferenceImages;
import io.reelflow.storage.Hashing;
import io.reelflow.storage.ObjectKeys;
import io.reelflow.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Makes one placement file: downloads its master, derives the file with FFmpeg ({@link Deliverables}) dressed with
 * the batch's brand kit and, where the placement asks, the shot's captions burned in; writes the captions (cut to
 * the picture's length) as WebVTT and SRT, and stores all three at their fixed keys, so an attempt made again after
 * a crash overwrites, never adds.
 */
@ApplicationScoped
public class DeliveryRender {

    private final ObjectStore store;
    private final ReferenceImages images;
    private final Path workDir;
    private final CredentialSigning credentials;

    public DeliveryRender(ObjectStore store, ReferenceImages images, ReelflowConfig config,
            CredentialSigning credentials) {
        this.credentials = credentials;
        this.store = store;
        this.images = images;
        this.workDir = config.storage().workDirectory();
    }

    public DeliveryTask.Made make(DeliveryTask task) throws IOException {
        Files.createDirectories(workDir);
        Path master = Files.createTempFile(workDir, "master-", ".mp4");
        Path out = Files.createTempFile(workDir, "deliverable-", ".mp4");
        try {
            store.download(task.masterKey(), master);
            BrandKit brand = brandKit(task);
            // The picture's length (the placement's, less an end card), not the file's last audio frame, ends
            // the captions.
            List<Captions.Cue> cues = Captions.within(task.cues(),
                    Deliverables.pictureSeconds(task.placement(), brand, MediaProbe.probe(master).seconds()));
            Deliverables.Made made = Deliverables.make(master, task.placement(), task.focus(),
                    new Deliverables.Dressing(brand, task.placement().burnCaptions() ? cues : List.of()), out);
            MediaProbe.Probe probe = MediaProbe.probe(out);
            String vttKey = null;
            String srtKey = null;
            if (!cues.isEmpty()) {
                vttKey = ObjectKeys.beside(task.objectKey(), "vtt");
                srtKey = ObjectKeys.beside(task.objectKey(), "srt");
                store.put(vttKey, Captions.webVtt(cues).getBytes(StandardCharsets.UTF_8), "text/vtt; charset=utf-8");
                store.put(srtKey, Captions.srt(cues).getBytes(StandardCharsets.UTF_8),
                        "application/x-subrip; charset=utf-8");
            }
            String sha256;
            long size;
            ContentCredentials.Signed label = null;
            Optional<ContentCredentials> signer = credentials.signer();
            if (signer.isPresent()) {
                // The last step before upload: the placement file says it was generated, and what was done to it.
                ContentCredentials.Signed signed = signer.get().sign(out, task.origin().statement(
                        task.objectKey().substring(task.objectKey().lastIndexOf('/') + 1),
                        edits(task, made, brand, logo(task, brand))));
                sha256 = signed.sha256();
                size = signed.sizeBytes();
                label = signed;
            } else {
                sha256 = Hashing.sha256Hex(out);
                size = Files.size(out);
            }
            store.put(task.objectKey(), out, "video/mp4");
            return new DeliveryTask.Made(vttKey, srtKey, sha256, size, made.seconds(), probe.width(), probe.height(),
                    made.loudness() == null ? null : made.loudness().integratedLufs(),
                    made.loudness() == null ? null : made.loudness().truePeakDbtp(), made.passes(), label);
        } finally {
            Files.deleteIfExists(master);
            Files.deleteIfExists(out);
        }
    }

    /** What making the placement file did to its master, for the file's content credentials. */
    /** The logo as an ingredient (the PNG kept beside the batch, by its hash); null without a logo. */
    private ContentCredentials.Ingredient logo(DeliveryTask task, BrandKit brand) throws IOException {
        if (brand.logo() == null) {
            return null;
        }
        try (java.io.InputStream png = store.open(task.logoKey())) {
            java.security.MessageDigest digest = Hashing.sha256();
            byte[] buffer = new byte[1 << 16];
            for (int n = png.read(buffer); n >= 0; n = png.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return new ContentCredentials.Ingredient("brand logo", "image/png",
                    java.util.HexFormat.of().formatHex(digest.digest()), "componentOf");
        }
    }

    private static List<ContentCredentials.Action> edits(DeliveryTask task, Deliverables.Made made, BrandKit brand,
            ContentCredentials.Ingredient logo) {
        List<ContentCredentials.Action> edits = new java.util.ArrayList<>();
        Placement placement = task.placement();
        edits.add(ContentCredentials.Action.edited("c2pa.cropped", "reframed to the shape of " + placement.size()
                + " for placement '" + placement.name() + "'"));
        edits.add(ContentCredentials.Action.edited("c2pa.resized", "scaled to " + placement.size()));
        if (made.loudness() != null) {
            edits.add(ContentCredentials.Action.edited("c2pa.edited", String.format(java.util.Locale.ROOT,
                    "audio normalised to %.1f LUFS integrated", made.loudness().integratedLufs())));
        }
        if (placement.burnCaptions() && !task.cues().isEmpty()) {
            edits.add(ContentCredentials.Action.edited("c2pa.edited", "captions burned in"));
        }
        if (logo != null) {
            edits.add(ContentCredentials.Action.placed("brand logo placed in the " + brand.corner().name()
                    .toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " corner", logo));
        }
        if (brand.endCard() != null) {
            edits.add(ContentCredentials.Action.edited("c2pa.edited", "end card added"));
        }
        if (brand.aiLabel()) {
            edits.add(ContentCredentials.Action.edited("c2pa.edited", "visible AI label added"));
        }
        edits.add(ContentCredentials.Action.edited("c2pa.edited", "re-encoded as H.264/AAC"));
        return edits;
    }

    /** The batch's brand kit with its logo: fetched the first time and kept beside the batch, read from there after. */
    private BrandKit brandKit(DeliveryTask task) throws IOException {
        Brand brand = task.brand();
        if (brand == null) {
            return BrandKit.NONE;
        }
        BufferedImage logo = null;
        if (brand.logoUrl() != null) {
            Path file = Files.createTempFile(workDir, "logo-", ".png");
            try {
                if (store.exists(task.logoKey())) {
                    store.download(task.logoKey(), file);
                    logo = ImageIO.read(file.toFile());
                } else {
                    try {
                        logo = images.picture(brand.logoUrl());
                    } catch (ReferenceImageException e) {
                        throw new IOException("brand.logo.url " + e.getMessage(), e);
                    }
                    ImageIO.write(logo, "png", file.toFile());
                    store.put(task.logoKey(), file, "image/png");
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
        Brand.EndCard card = brand.endCard();
        return new BrandKit(logo, BrandKit.Corner.parse(brand.corner()),
                brand.logoWidth() == null ? BrandKit.NONE.logoWidth() : brand.logoWidth(),
                card == null ? null : new BrandKit.EndCard(card.seconds(), card.text(),
                        BrandKit.colour(card.background()), BrandKit.colour(card.textColor())), brand.aiLabel());
    }
}

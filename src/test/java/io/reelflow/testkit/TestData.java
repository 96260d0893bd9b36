package io.reelflow.testkit;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.imageio.ImageIO;

/** Throwaway secrets and images for tests. */
public final class TestData {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestData() {
    }

    public static byte[] random(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** A fresh webhook secret in the {@code whsec_} form. */
    public static String webhookSecret() {
        return "whsec_" + Base64.getEncoder().encodeToString(random(24));
    }

    /** A JPEG of the given size: one colour with a white disc in the middle. */
    public static byte[] jpeg(int width, int height, Color color) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.fillOval(width / 3, height / 3, width / 3, height / 3);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }
}

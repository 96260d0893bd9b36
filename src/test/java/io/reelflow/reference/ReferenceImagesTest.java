package io.reelflow.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.reelflow.media.FrameSize;

class ReferenceImagesTest {

    @TempDir
    Path dir;

    private static final byte[] WIDE;

    static {
        try {
            WIDE = image(1600, 1200, "png");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private HttpServer server;
    private String base;

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/wide.png", exchange -> {
            byte[] png = WIDE;
            exchange.sendResponseHeaders(200, png.length);
            exchange.getResponseBody().write(png);
            exchange.close();
        });
        server.createContext("/moved.png", exchange -> {
            exchange.getResponseHeaders().set("Location", "http://169.254.169.254/latest/meta-data/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/page.png", exchange -> {
            byte[] html = "<html>not an image</html>".getBytes();
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        server.createContext("/huge.png", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 32; i++) {
                exchange.getResponseBody().write(chunk);
            }
            exchange.close();
        });
        server.start();
        base = "http://localhost:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ReferenceImages images(List<String> trusted) throws Exception {
        return new ReferenceImages(new SafeFetcher(1_000_000, Duration.ofSeconds(5), trusted), dir);
    }

    @Test
    void anImageFromATrustedHostIsCentreCroppedAndResizedToTheExactFrame() throws Exception {
        Path png = images(List.of("localhost")).prepare(base + "/wide.png", new FrameSize(1280, 720), "crop");
        BufferedImage fitted = ImageIO.read(png.toFile());
        assertThat(fitted.getWidth()).isEqualTo(1280);
        assertThat(fitted.getHeight()).isEqualTo(720);
        // The test image has red top and blue bottom bands; cropping 4:3 to 16:9 at the centre removes both.
        assertThat(new Color(fitted.getRGB(640, 2))).isEqualTo(Color.GREEN);
        assertThat(new Color(fitted.getRGB(640, 717))).isEqualTo(Color.GREEN);
    }

    @Test
    void strictMatchingRefusesAnotherAspectRatio() throws Exception {
        assertThatThrownBy(() -> images(List.of("localhost")).prepare(base + "/wide.png", new FrameSize(1280, 720),
                "strict"))
                .isInstanceOfSatisfying(ReferenceImageException.class, e -> assertThat(e.permanent()).isTrue())
                .hasMessageContaining("is 1600x1200, another aspect ratio than the 1280x720 frame");
    }

    @Test
    void loopbackPrivateLinkLocalAndMetadataAddressesAreRefused() throws Exception {
        assertThatThrownBy(() -> images(List.of()).prepare(base + "/wide.png", new FrameSize(1280, 720), "crop"))
                .hasMessageContaining("a loopback address; only public addresses are fetched");
        assertThat(SafeFetcher.notPublic(InetAddress.getByName("10.1.2.3"))).isEqualTo("private");
        assertThat(SafeFetcher.notPublic(InetAddress.getByName("192.168.0.10"))).isEqualTo("private");
        assertThat(SafeFetcher.notPublic(InetAddress.getByName("169.254.169.254"))).contains("link-local");
        assertThat(SafeFetcher.notPublic(InetAddress.getByName("100.100.100.200"))).isEqualTo("carrier-grade NAT");
        assertThat(SafeFetcher.notPublic(InetAddress.getByName("::1"))).isEqualTo("loopback");
        assertThat(SafeFetcher.notPublic(InetAddress.getByName("fd00:ec2::254"))).contains("unique-local");
        assertThat(SafeFetcher.notPublic(InetAddress.getByName("::ffff:10.0.0.1"))).isEqualTo("private");
        assertThat(SafeFetcher.notPublic(InetAddress.getByName("0.0.0.0"))).isEqualTo("wildcard");
        assertThat(SafeFetcher.notPublic(InetAddress.getByName("93.184.215.14"))).isNull();
    }

    @Test
    void otherSchemesRedirectsOversizeAndNonImagesAreRefused() throws Exception {
        ReferenceImages trusting = images(List.of("localhost"));
        FrameSize frame = new FrameSize(1280, 720);
        assertThatThrownBy(() -> trusting.prepare("file:///etc/passwd", frame, "crop"))
                .hasMessageContaining("only http and https");
        assertThatThrownBy(() -> trusting.prepare("http://user:pw@localhost/x.png", frame, "crop"))
                .hasMessageContaining("credentials");
        assertThatThrownBy(() -> trusting.prepare(base + "/moved.png", frame, "crop"))
                .hasMessageContaining("redirects are not followed");
        assertThatThrownBy(() -> trusting.prepare(base + "/huge.png", frame, "crop"))
                .hasMessageContaining("larger than 1000000 bytes");
        assertThatThrownBy(() -> trusting.prepare(base + "/page.png", frame, "crop"))
                .hasMessageContaining("is not a PNG, JPEG or WebP file");
    }

    @Test
    void anInlineDataUrlIsDecodedAndFitted() throws Exception {
        String url = "data:image/png;base64," + Base64.getEncoder().encodeToString(image(512, 896, "png"));
        Path png = images(List.of()).prepare(url, new FrameSize(1024, 1792), "strict");
        BufferedImage fitted = ImageIO.read(png.toFile());
        assertThat(fitted.getWidth()).isEqualTo(1024);
        assertThat(fitted.getHeight()).isEqualTo(1792);
    }

    @Test
    void signaturesDecideTheFormatNotNames() throws Exception {
        assertThat(ReferenceImages.format(image(32, 32, "png"))).isEqualTo("png");
        assertThat(ReferenceImages.format(image(32, 32, "jpg"))).isEqualTo("jpeg");
        assertThat(ReferenceImages.format("RIFF\0\0\0\0WEBPVP8 ".getBytes())).isEqualTo("webp");
        assertThatThrownBy(() -> ReferenceImages.format("GIF89a......".getBytes()))
                .isInstanceOf(ReferenceImageException.class);
    }

    private static byte[] image(int width, int height, String format) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.GREEN);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.RED);
        g.fillRect(0, 0, width, height / 10);
        g.setColor(Color.BLUE);
        g.fillRect(0, height - height / 10, width, height / 10);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }
}

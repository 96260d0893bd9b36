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
            requests.incrementAndGet();
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
        fetchers.forEach(SafeFetcher::close);
    }

    private final List<SafeFetcher> fetchers = new java.util.ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

    private ReferenceImages images(List<String> trusted) throws Exception {
        return images(trusted, InetAddress::getAllByName, Duration.ofSeconds(5));
    }

    private ReferenceImages images(List<String> trusted, SafeFetcher.Resolver resolver, Duration timeout)
            throws Exception {
        SafeFetcher fetcher = new SafeFetcher(null, 1_000_000, timeout, trusted, resolver);
        fetchers.add(fetcher);
        return new ReferenceImages(fetcher, dir, 40_000_000, 200_000_000);
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
                .hasMessageContaining("a loopback address; only public addresses are fetched")
                .hasMessageNotContaining("127.0.0.1");
        assertThat(InternalAddresses.why(InetAddress.getByName("10.1.2.3"))).isEqualTo("private");
        assertThat(InternalAddresses.why(InetAddress.getByName("192.168.0.10"))).isEqualTo("private");
        assertThat(InternalAddresses.why(InetAddress.getByName("169.254.169.254"))).contains("link-local");
        assertThat(InternalAddresses.why(InetAddress.getByName("100.100.100.200"))).isEqualTo("carrier-grade NAT");
        assertThat(InternalAddresses.why(InetAddress.getByName("::1"))).isEqualTo("loopback");
        assertThat(InternalAddresses.why(InetAddress.getByName("fd00:ec2::254"))).contains("unique-local");
        assertThat(InternalAddresses.why(InetAddress.getByName("::ffff:10.0.0.1"))).isEqualTo("private");
        assertThat(InternalAddresses.why(InetAddress.getByName("0.0.0.0"))).isEqualTo("wildcard");
        assertThat(InternalAddresses.why(InetAddress.getByName("93.184.215.14"))).isNull();
    }

    @Test
    void internalAddressesWrittenInsideIpv6AreRefused() throws Exception {
        assertThat(InternalAddresses.why(InetAddress.getByName("64:ff9b::a00:1"))).isEqualTo("private (NAT64)");
        assertThat(InternalAddresses.why(InetAddress.getByName("64:ff9b::a9fe:a9fe")))
                .isEqualTo("link-local (cloud metadata) (NAT64)");
        assertThat(InternalAddresses.why(InetAddress.getByName("64:ff9b::7f00:1"))).isEqualTo("loopback (NAT64)");
        assertThat(InternalAddresses.why(InetAddress.getByName("64:ff9b:1::a00:1"))).isEqualTo("local-use NAT64");
        assertThat(InternalAddresses.why(InetAddress.getByName("2002:a9fe:a9fe::1")))
                .isEqualTo("link-local (cloud metadata) (6to4)");
        assertThat(InternalAddresses.why(InetAddress.getByName("2002:c0a8:0101::"))).isEqualTo("private (6to4)");
        assertThat(InternalAddresses.why(InetAddress.getByName("2002:6440:0001::"))).isEqualTo("carrier-grade NAT (6to4)");
        assertThat(InternalAddresses.why(InetAddress.getByName("::a00:1"))).isEqualTo("private (IPv4-compatible)");
        assertThat(InternalAddresses.why(InetAddress.getByName("2001:0:4136:e378:8000:63bf:3fff:fdd2")))
                .isEqualTo("Teredo tunnel");
        assertThat(InternalAddresses.why(InetAddress.getByName("2001:db8::1"))).isEqualTo("documentation");
        assertThat(InternalAddresses.why(InetAddress.getByName("fe80::1"))).contains("link-local");
        // The same forms of a public address stay fetchable.
        assertThat(InternalAddresses.why(InetAddress.getByName("64:ff9b::5db8:d70e"))).isNull();
        assertThat(InternalAddresses.why(InetAddress.getByName("2002:5db8:d70e::1"))).isNull();
        assertThat(InternalAddresses.why(InetAddress.getByName("2a00:1450:4001:80b::200e"))).isNull();
    }

    @Test
    void theAddressConnectedToIsTheOneResolvedAndCheckedOnce() throws Exception {
        // A name no DNS answers: the fetch can only reach the server through the fetcher's own single lookup.
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        SafeFetcher.Resolver resolver = host -> {
            lookups.incrementAndGet();
            assertThat(host).isEqualTo("images.reelflow.test");
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        };
        String url = base.replace("localhost", "images.reelflow.test") + "/wide.png";
        Path png = images(List.of("images.reelflow.test"), resolver, Duration.ofSeconds(5))
                .prepare(url, new FrameSize(1280, 720), "crop");
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(1280);
        assertThat(lookups).hasValue(1);
        assertThat(requests).hasValue(1);
    }

    @Test
    void aNameThatRebindsToAnInternalAddressAfterTheCheckIsNotFollowed() throws Exception {
        // First answer public (checked and passed), every later answer loopback, where the server listens.
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        SafeFetcher.Resolver rebinding = host -> lookups.getAndIncrement() == 0
                ? new InetAddress[] {InetAddress.getByName("192.0.43.10")}
                : new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        String url = base.replace("localhost", "rebind.reelflow.test") + "/wide.png";
        assertThatThrownBy(() -> images(List.of(), rebinding, Duration.ofSeconds(2))
                .prepare(url, new FrameSize(1280, 720), "crop"))
                .isInstanceOf(ReferenceImageException.class)
                .hasMessageNotContaining("192.0.43.10").hasMessageNotContaining("127.0.0.1");
        assertThat(lookups).hasValue(1);
        assertThat(requests).as("requests that reached the loopback server").hasValue(0);
    }

    @Test
    void aSmallFileDeclaringAHugePictureIsRefusedBeforeDecoding() throws Exception {
        ReferenceImages images = images(List.of());
        FrameSize frame = new FrameSize(1280, 720);
        byte[] png = declaredPng(image(16, 16, "png"), 20_000, 20_000);
        assertThat(png.length).isLessThan(2000);
        assertThatThrownBy(() -> images.prepare(dataUrl(png), frame, "crop"))
                .hasMessageContaining("declares a 20000x20000 picture (400000000 pixels")
                .hasMessageContaining("at most 40000000 pixels");
        byte[] jpeg = declaredJpeg(image(16, 16, "jpg"), 60_000, 60_000);
        assertThatThrownBy(() -> images.prepare(dataUrl(jpeg), frame, "crop"))
                .hasMessageContaining("is a jpeg file that declares a 60000x60000 picture");
        byte[] webp = new byte[30];
        System.arraycopy("RIFF\0\0\0\0WEBPVP8X".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, webp, 0, 16);
        webp[24] = (byte) 0xff; webp[25] = (byte) 0x3f; // canvas width 16384 (stored minus one)
        webp[27] = (byte) 0xff; webp[28] = (byte) 0x3f;
        assertThatThrownBy(() -> images.prepare(dataUrl(webp), frame, "crop"))
                .hasMessageContaining("is a webp file that declares a 16384x16384 picture");
        // Within the limits, the size is decoded as usual; 16-bit colour counts twice the bytes per pixel.
        assertThat(ImageHeader.read(image(32, 24, "png"), "png")).isEqualTo(new ImageHeader(32, 24, 4));
        assertThatThrownBy(() -> new ReferenceImages(new SafeFetcher(1000, Duration.ofSeconds(1), List.of()), dir,
                40_000_000, 1000).prepare(dataUrl(image(32, 32, "png")), frame, "crop"))
                .hasMessageContaining("4096 bytes decoded); at most 40000000 pixels and 1000 bytes");
    }

    private static String dataUrl(byte[] bytes) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes);
    }

    /** The PNG with its header (IHDR) rewritten to declare another size, checksum included. */
    private static byte[] declaredPng(byte[] png, int width, int height) {
        byte[] out = png.clone();
        java.nio.ByteBuffer.wrap(out, 16, 8).putInt(width).putInt(height);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(out, 12, 17);
        java.nio.ByteBuffer.wrap(out, 29, 4).putInt((int) crc.getValue());
        return out;
    }

    /** The JPEG with its frame header (SOF0) rewritten to declare another size. */
    private static byte[] declaredJpeg(byte[] jpeg, int width, int height) {
        byte[] out = jpeg.clone();
        for (int i = 2; i + 9 < out.length; i++) {
            if ((out[i] & 0xff) == 0xff && (out[i + 1] & 0xff) == 0xc0) {
                java.nio.ByteBuffer.wrap(out, i + 5, 4).putShort((short) height).putShort((short) width);
                return out;
            }
        }
        throw new IllegalStateException("no SOF0 marker");
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

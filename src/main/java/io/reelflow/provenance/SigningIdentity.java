package io.reelflow.provenance;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Who signs the content credentials: an ECDSA P-256 private key (ES256) and its certificate chain, the signing
 * certificate first and without the root (validators find the root among the anchors they trust). Read from PEM
 * files; {@link #throwaway} makes a chain under a new root for demos and tests, which validators report as
 * valid but untrusted unless they are given that root.
 */
public final class SigningIdentity {

    /** id-kp-documentSigning (RFC 9336), one of the extended key usages C2PA validators accept for claim signing. */
    private static final ASN1ObjectIdentifier DOCUMENT_SIGNING = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.3.36");

    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final X509Certificate root;

    private SigningIdentity(PrivateKey key, List<X509Certificate> chain, X509Certificate root) {
        if (!(key instanceof ECPrivateKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("the content credentials key must be an ECDSA P-256 key (ES256)");
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the content credentials certificate chain is empty");
        }
        this.key = key;
        this.chain = List.copyOf(chain);
        this.root = root;
    }

    /** The key and chain from PEM text: a PKCS#8 or SEC1 private key, certificates signing one first. */
    public static SigningIdentity fromPem(String keyPem, String chainPem) {
        try {
            PrivateKey key = readKey(keyPem);
            List<X509Certificate> chain = new ArrayList<>();
            try (PEMParser parser = new PEMParser(new StringReader(chainPem))) {
                for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                    if (item instanceof X509CertificateHolder holder) {
                        chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                    }
                }
            }
            return new SigningIdentity(key, chain, null);
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("the content credentials key or certificates are not readable PEM: "
                    + e.getMessage(), e);
        }
    }

    /** The key and chain from PEM files. */
    public static SigningIdentity fromFiles(Path keyFile, Path chainFile) throws IOException {
        return fromPem(Files.readString(keyFile), Files.readString(chainFile));
    }

    private static PrivateKey readKey(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object item = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (item instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (item instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException("no private key found");
        }
    }

    /**
     * A new root and a signing certificate under it, valid for {@code validity}: for demos and tests, never for
     * files anyone relies on.
     */
    public static SigningIdentity throwaway(String organisation, Duration validity) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair rootKeys = generator.generateKeyPair();
            KeyPair signerKeys = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name rootName = new X500Name("CN=" + organisation + " throwaway root,O=" + organisation);
            X500Name signerName = new X500Name("CN=" + organisation + " content credentials,O=" + organisation);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();

            JcaX509v3CertificateBuilder rootBuilder = new JcaX509v3CertificateBuilder(rootName, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), rootName,
                    rootKeys.getPublic());
            rootBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            rootBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            rootBuilder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(rootKeys.getPublic()));
            rootBuilder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(rootKeys.getPublic()));
            X509Certificate root = certificate(rootBuilder, rootKeys.getPrivate());

            JcaX509v3CertificateBuilder signerBuilder = new JcaX509v3CertificateBuilder(root, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), signerName,
                    signerKeys.getPublic());
            signerBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            signerBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            signerBuilder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] { KeyPurposeId.id_kp_emailProtection,
                            KeyPurposeId.getInstance(DOCUMENT_SIGNING) }));
            signerBuilder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(signerKeys.getPublic()));
            signerBuilder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(root));
            X509Certificate signer = certificate(signerBuilder, rootKeys.getPrivate());
            return new SigningIdentity(signerKeys.getPrivate(), List.of(signer), root);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a throwaway signing certificate: " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(63, new SecureRandom()).add(BigInteger.ONE);
    }

    private static X509Certificate certificate(JcaX509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, CertificateException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    PrivateKey key() {
        return key;
    }

    /** The signing certificate and any intermediates, as sent in the signature. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The signing certificate's subject, for logs and the manifest's summary. */
    public String signer() {
        return chain.get(0).getSubjectX500Principal().getName();
    }

    /** When the signing certificate stops being valid. */
    public Instant notAfter() {
        return chain.get(0).getNotAfter().toInstant();
    }

    /** The throwaway root as PEM (what a validator is given to trust it); empty for a configured identity. */
    public java.util.Optional<String> rootPem() {
        return java.util.Optional.ofNullable(root).map(SigningIdentity::pem);
    }

    /** The private key as PKCS#8 PEM and the chain as PEM, for writing a throwaway identity where a demo reads it. */
    public String keyPem() {
        try {
            return pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null).generate());
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException(e);
        }
    }

    public String chainPem() {
        StringBuilder pem = new StringBuilder();
        chain.forEach(c -> pem.append(pem(c)));
        return pem.toString();
    }

    private static String pem(Object object) {
        java.io.StringWriter text = new java.io.StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }
}

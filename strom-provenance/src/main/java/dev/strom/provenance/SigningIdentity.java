package dev.strom.provenance;

import dev.strom.data.AtomicFiles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
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
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * The key and X.509 chain (signer first) that sign Strom's C2PA manifests, kept as two PEM files.
 * When neither file exists, a local identity is created: a root CA and a signer certificate under it,
 * because C2PA validators reject a self-signed end-entity certificate outright but accept a chain whose
 * root they merely do not trust. Such a chain is self-signed and reported as such.
 */
public record SigningIdentity(PrivateKey key, List<X509Certificate> chain, boolean created) {

    /** Where the key and chain live. */
    public record Location(Path key, Path certificates) {

        /**
         * {@code STROM_SIGNING_KEY} / {@code STROM_SIGNING_CERTS}, else the directory in the system property
         * {@code strom.signing.dir}, else {@code ~/.strom/signing/}.
         */
        public static Location fromEnvironment() {
            String configured = System.getProperty("strom.signing.dir");
            Path dir = configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".strom", "signing");
            String key = System.getenv("STROM_SIGNING_KEY");
            String certs = System.getenv("STROM_SIGNING_CERTS");
            return new Location(key != null ? Path.of(key) : dir.resolve("signer.key"),
                    certs != null ? Path.of(certs) : dir.resolve("chain.pem"));
        }

        public static Location in(Path dir) {
            return new Location(dir.resolve("signer.key"), dir.resolve("chain.pem"));
        }
    }

    public X509Certificate signer() {
        return chain.get(0);
    }

    /** True when the chain ends in a root that signed itself and no one else vouches for. */
    public boolean selfSigned() {
        X509Certificate root = chain.get(chain.size() - 1);
        return root.getSubjectX500Principal().equals(root.getIssuerX500Principal());
    }

    /** Loads the identity, creating a local one when neither file exists yet. */
    public static SigningIdentity loadOrCreate(Location at) throws IOException {
        boolean hasKey = Files.exists(at.key());
        boolean hasCerts = Files.exists(at.certificates());
        if (!hasKey && !hasCerts) {
            create(at);
            SigningIdentity made = load(at);
            return new SigningIdentity(made.key, made.chain, true);
        }
        if (!hasKey || !hasCerts) {
            throw new IOException("signing identity needs both " + at.key() + " and " + at.certificates());
        }
        return load(at);
    }

    public static SigningIdentity load(Location at) throws IOException {
        PrivateKey key;
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(at.key())))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                key = conv.getKeyPair(pair).getPrivate();
            } else if (o instanceof PrivateKeyInfo info) {
                key = conv.getPrivateKey(info);
            } else {
                throw new IOException("no private key in " + at.key());
            }
        }
        if (!"EC".equals(key.getAlgorithm())) {
            throw new IOException("signing key must be an EC P-256 key (ES256): " + at.key());
        }
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(at.certificates())))) {
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(conv.getCertificate(h));
                }
            }
        } catch (CertificateException e) {
            throw new IOException("unreadable certificate in " + at.certificates() + ": " + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new IOException("no certificates in " + at.certificates());
        }
        return new SigningIdentity(key, List.copyOf(chain), false);
    }

    private static void create(Location at) throws IOException {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair rootKeys = gen.generateKeyPair();
            KeyPair signerKeys = gen.generateKeyPair();
            Instant now = Instant.now();
            X500Name rootName = new X500Name("CN=Strom local root (self-signed),O=Strom");
            X500Name signerName = new X500Name("CN=Strom local signer (self-signed root),O=Strom");
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

            X509v3CertificateBuilder root = new JcaX509v3CertificateBuilder(rootName, serial(), date(now.minus(Duration.ofHours(1))),
                    date(now.plus(Duration.ofDays(3650))), rootName, rootKeys.getPublic());
            root.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            root.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            root.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(rootKeys.getPublic()));
            X509Certificate rootCert = certificate(root, rootKeys.getPrivate());

            X509v3CertificateBuilder signer = new JcaX509v3CertificateBuilder(rootName, serial(), date(now.minus(Duration.ofHours(1))),
                    date(now.plus(Duration.ofDays(1825))), signerName, signerKeys.getPublic());
            signer.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            // C2PA's certificate profile: digitalSignature, critical; an EKU it lists (e-mail protection).
            signer.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            signer.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
            signer.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(signerKeys.getPublic()));
            signer.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(rootCert));
            X509Certificate signerCert = certificate(signer, rootKeys.getPrivate());

            Files.createDirectories(at.key().toAbsolutePath().getParent());
            Files.createDirectories(at.certificates().toAbsolutePath().getParent());
            AtomicFiles.writeString(at.key(), pem(new JcaPKCS8Generator(signerKeys.getPrivate(), null)));
            try {
                Files.setPosixFilePermissions(at.key(), PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            AtomicFiles.writeString(at.certificates(), pem(signerCert) + pem(rootCert));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create a signing identity: " + e.getMessage(), e);
        }
    }

    private static X509Certificate certificate(X509v3CertificateBuilder b, PrivateKey issuerKey)
            throws OperatorCreationException, CertificateException {
        ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(b.build(s));
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom()).add(BigInteger.ONE);
    }

    private static Date date(Instant t) {
        return Date.from(t);
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }
}

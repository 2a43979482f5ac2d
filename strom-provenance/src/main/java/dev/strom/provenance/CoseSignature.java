package dev.strom.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.util.BigIntegers;

/**
 * The claim signature: a COSE_Sign1 (RFC 9052) with a detached payload, ES256, and the signer's
 * certificate chain in the protected header (x5chain, label 33), as C2PA requires.
 */
final class CoseSignature {

    private static final int TAG_SIGN1 = 18;
    private static final int ALG = 1;
    private static final int X5CHAIN = 33;
    private static final int ES256 = -7;
    private static final CBORFactory CBOR = new CBORFactory();
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private CoseSignature() {
    }

    static byte[] sign(byte[] claim, SigningIdentity identity) throws IOException {
        byte[] protectedHeader = protectedHeader(identity.chain());
        byte[] signature;
        try {
            // deterministic ECDSA (RFC 6979): the same claim and key give the same signature, so the same file
            Signature s = Signature.getInstance("SHA256withECDDSA", BOUNCY_CASTLE);
            s.initSign(identity.key());
            s.update(toBeSigned(protectedHeader, claim));
            signature = rawSignature(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot sign the claim: " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = CBOR.createGenerator(out)) {
            g.writeTag(TAG_SIGN1);
            g.writeStartArray(null, 4);
            g.writeBinary(protectedHeader);
            g.writeStartObject(null, 0);
            g.writeEndObject();
            g.writeNull();
            g.writeBinary(signature);
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    /** Checks the signature over the claim and returns the chain it carries, signer first. */
    static List<X509Certificate> verify(byte[] cose, byte[] claim) throws IOException, GeneralSecurityException {
        JsonNode sign1 = new ObjectMapper(CBOR).readTree(cose);
        if (sign1 == null || !sign1.isArray() || sign1.size() != 4) {
            throw new IOException("claim signature is not a COSE_Sign1");
        }
        byte[] protectedHeader = sign1.get(0).binaryValue();
        byte[] signature = sign1.get(3).binaryValue();
        JsonNode header = new ObjectMapper(CBOR).readTree(protectedHeader);
        if (header.path(String.valueOf(ALG)).asInt() != ES256) {
            throw new IOException("unsupported signature algorithm " + header.path(String.valueOf(ALG)));
        }
        JsonNode x5 = header.get(String.valueOf(X5CHAIN));
        if (x5 == null) {
            x5 = sign1.get(1).get(String.valueOf(X5CHAIN));
        }
        if (x5 == null) {
            throw new IOException("claim signature carries no certificate");
        }
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        if (x5.isArray()) {
            for (JsonNode c : x5) {
                chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(c.binaryValue())));
            }
        } else {
            chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(x5.binaryValue())));
        }
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initVerify(chain.get(0).getPublicKey());
        s.update(toBeSigned(protectedHeader, claim));
        if (!s.verify(signature)) {
            throw new GeneralSecurityException("claim signature does not match");
        }
        return chain;
    }

    /** DER ECDSA-Sig-Value to COSE's fixed-width r || s (32 bytes each for P-256). */
    private static byte[] rawSignature(byte[] der) {
        ASN1Sequence seq = ASN1Sequence.getInstance(der);
        byte[] out = new byte[64];
        for (int i = 0; i < 2; i++) {
            byte[] v = BigIntegers.asUnsignedByteArray(32,
                    ASN1Integer.getInstance(seq.getObjectAt(i)).getValue());
            System.arraycopy(v, 0, out, 32 * i, 32);
        }
        return out;
    }

    private static byte[] protectedHeader(List<X509Certificate> chain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = CBOR.createGenerator(out)) {
            g.writeStartObject(null, 2);
            g.writeFieldId(ALG);
            g.writeNumber(ES256);
            g.writeFieldId(X5CHAIN);
            g.writeStartArray(null, chain.size());
            for (X509Certificate c : chain) {
                g.writeBinary(c.getEncoded());
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (CertificateEncodingException e) {
            throw new IOException(e);
        }
        return out.toByteArray();
    }

    /** COSE's Sig_structure: ["Signature1", protected, external_aad = h'', payload]. */
    private static byte[] toBeSigned(byte[] protectedHeader, byte[] payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = CBOR.createGenerator(out)) {
            g.writeStartArray(null, 4);
            g.writeString("Signature1");
            g.writeBinary(protectedHeader);
            g.writeBinary(new byte[0]);
            g.writeBinary(payload);
            g.writeEndArray();
        }
        return out.toByteArray();
    }
}

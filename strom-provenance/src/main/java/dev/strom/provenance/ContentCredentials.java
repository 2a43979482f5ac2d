package dev.strom.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import dev.strom.data.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A C2PA manifest store with one manifest: a v2 claim listing a {@code c2pa.actions.v2} assertion
 * ({@code c2pa.created}, digital source type "trained algorithmic media") and a hard binding to the
 * asset's bytes, signed by a {@link SigningIdentity}. Also reads such a store back and checks it.
 */
public final class ContentCredentials {

    public static final String TRAINED_ALGORITHMIC_MEDIA =
            "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
    static final String ACTIONS = "c2pa.actions.v2";
    /** Strom's own assertion: the settings a clip was made with. */
    public static final String SETTINGS = "dev.strom.settings";
    private static final String ASSERTIONS = "c2pa.assertions";
    private static final String CLAIM = "c2pa.claim.v2";
    private static final String SIGNATURE = "c2pa.signature";
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    /**
     * What made the asset: Strom's version, the model that generated it, and the settings it was made with (prompt,
     * seed, guidance, ...; signed as the {@value #SETTINGS} assertion, none when empty), so the clip can be made again.
     */
    public record Generator(String version, String modelId, Map<String, String> settings) {

        public Generator {
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        }

        public Generator(String version, String modelId) {
            this(version, modelId, Map.of());
        }

        /** The same generator for one asset made with these settings. */
        public Generator madeWith(Map<String, String> assetSettings) {
            return new Generator(version, modelId, assetSettings);
        }
    }

    /** The hard-binding assertion: its label and its CBOR fields. */
    record HardBinding(String label, Map<String, Object> fields) {
    }

    /** The outcome of reading a store: signature and assertion checks, the signer, and the binding to check. */
    record Checked(List<String> problems, X509Certificate signer, boolean selfSigned, String generator,
                   String bindingLabel, JsonNode binding, Map<String, String> settings) {
    }

    /**
     * What a file's manifest says: present; valid (signature, assertion hashes and hard binding all check out);
     * who signed it; whether the chain it carries ends in a self-signed root (as Strom's local identity does:
     * nothing in the file says anyone else vouches for the signer; no trust list is consulted); the generator.
     * {@code problems} says why a present manifest is invalid, or why none could be found in a damaged file.
     */
    public record Status(boolean present, boolean valid, String signer, boolean selfSigned, String generator,
                         List<String> problems, Map<String, String> settings) {

        static Status absent() {
            return new Status(false, false, null, false, null, List.of(), Map.of());
        }

        static Status absentBecause(String problem) {
            return new Status(false, false, null, false, null, List.of(problem), Map.of());
        }

        static Status invalid(String problem) {
            return new Status(true, false, null, false, null, List.of(problem), Map.of());
        }
    }

    private ContentCredentials() {
    }

    /** Whether Strom writes manifests into files of this kind (MP4 and PNG). */
    public static boolean supports(Path file) {
        return Embedding.forFile(file).isPresent();
    }

    /** Embeds a signed manifest bound to the file's current bytes; the file is replaced atomically. */
    public static void sign(Path file, Generator generator, SigningIdentity identity) throws IOException {
        Embedding embedding = Embedding.forFile(file)
                .orElseThrow(() -> new IOException("C2PA manifests go into MP4 and PNG files only: " + file.getFileName()));
        byte[] signed = embedding.embed(Files.readAllBytes(file), generator, identity);
        AtomicFiles.write(file, out -> out.write(signed));
    }

    /** Reads and checks the file's manifest: signature, assertion hashes and the hard binding to its bytes. */
    public static Status status(Path file) throws IOException {
        Optional<Embedding> embedding = Embedding.forFile(file);
        if (embedding.isEmpty()) {
            return Status.absent();
        }
        byte[] bytes = Files.readAllBytes(file);
        // A damaged file is a finding, not an error: checking a manifest reads bytes and decodes no frames.
        Optional<byte[]> store;
        try {
            store = embedding.get().manifestStore(bytes);
        } catch (IOException | RuntimeException e) {
            return Status.absentBecause("no manifest could be read, the file is damaged: " + e.getMessage());
        }
        if (store.isEmpty()) {
            return Status.absent();
        }
        Checked c;
        try {
            c = check(store.get());
        } catch (IOException | RuntimeException e) {
            return Status.invalid("unreadable manifest: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>(c.problems());
        if (c.binding() != null) {
            try {
                if (!embedding.get().bindingMatches(bytes, c.bindingLabel(), c.binding())) {
                    problems.add("the file's bytes do not match the manifest's hash (" + c.bindingLabel() + ")");
                }
            } catch (IOException | RuntimeException e) {
                problems.add("the file's bytes cannot match the manifest's hash (" + c.bindingLabel() + "): " + e.getMessage());
            }
        }
        String signer = c.signer() == null ? null : c.signer().getSubjectX500Principal().getName();
        return new Status(true, problems.isEmpty(), signer, c.selfSigned(), c.generator(), List.copyOf(problems), c.settings());
    }

    /** The manifest store's bytes (a JUMBF superbox) for the given binding. */
    static byte[] build(Generator generator, HardBinding binding, SigningIdentity identity) throws IOException {
        // Identifiers follow from what is signed, so the same clip gives the same file (Strom is deterministic).
        byte[] fields = CBOR.writeValueAsBytes(binding.fields());
        String seed = generator + "|" + HexFormat.of().formatHex(sha256(fields, 0, fields.length));
        String label = "urn:c2pa:" + UUID.nameUUIDFromBytes((seed + "|manifest").getBytes(StandardCharsets.UTF_8));
        Map<String, Object> softwareAgent = new LinkedHashMap<>();
        softwareAgent.put("name", "Strom");
        softwareAgent.put("version", generator.version());
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("action", "c2pa.created");
        created.put("digitalSourceType", TRAINED_ALGORITHMIC_MEDIA);
        created.put("softwareAgent", softwareAgent);
        created.put("parameters", Map.of("dev.strom.model", generator.modelId()));
        byte[] actions = Jumbf.cborBox(Jumbf.Type.CBOR, ACTIONS, CBOR.writeValueAsBytes(Map.of("actions", List.of(created))));
        byte[] hash = Jumbf.cborBox(Jumbf.Type.CBOR, binding.label(), CBOR.writeValueAsBytes(binding.fields()));
        List<byte[]> boxes = new ArrayList<>(List.of(actions, hash));
        List<Map<String, Object>> assertionRefs = new ArrayList<>(List.of(hashedUri(ACTIONS, actions), hashedUri(binding.label(), hash)));
        if (!generator.settings().isEmpty()) {
            byte[] settings = Jumbf.cborBox(Jumbf.Type.CBOR, SETTINGS, CBOR.writeValueAsBytes(generator.settings()));
            boxes.add(settings);
            assertionRefs.add(hashedUri(SETTINGS, settings));
        }

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", "Strom");
        info.put("version", generator.version());
        info.put("dev.strom.model", generator.modelId());
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("instanceID", "xmp:iid:" + UUID.nameUUIDFromBytes((seed + "|instance").getBytes(StandardCharsets.UTF_8)));
        claim.put("claim_generator_info", info);
        claim.put("signature", "self#jumbf=/c2pa/" + label + "/" + SIGNATURE);
        claim.put("created_assertions", assertionRefs);
        claim.put("alg", "sha256");
        byte[] claimCbor = CBOR.writeValueAsBytes(claim);
        byte[] signature = CoseSignature.sign(claimCbor, identity);

        byte[] manifest = Jumbf.superbox(Jumbf.Type.MANIFEST, label,
                Jumbf.superbox(Jumbf.Type.ASSERTION_STORE, ASSERTIONS, boxes.toArray(new byte[0][])),
                Jumbf.cborBox(Jumbf.Type.CLAIM, CLAIM, claimCbor),
                Jumbf.cborBox(Jumbf.Type.SIGNATURE, SIGNATURE, signature));
        return Jumbf.superbox(Jumbf.Type.MANIFEST_STORE, "c2pa", manifest);
    }

    /** An assertion's reference in the claim: its JUMBF URI and the hash of its superbox's payload. */
    private static Map<String, Object> hashedUri(String label, byte[] assertionBox) {
        Map<String, Object> uri = new LinkedHashMap<>();
        uri.put("url", "self#jumbf=" + ASSERTIONS + "/" + label);
        uri.put("hash", sha256(assertionBox, 8, assertionBox.length - 8));
        return uri;
    }

    /**
     * Checks the active (last) manifest of a store: the claim signature against the certificate it carries
     * and every assertion against its hash in the claim. The hard binding is left to the caller, who has the asset.
     */
    static Checked check(byte[] store) throws IOException {
        List<String> problems = new ArrayList<>();
        Jumbf.Box root = Jumbf.parse(store).get(0);
        List<Jumbf.Box> manifests = root.children().stream().filter(b -> b.type().equals("jumb")).toList();
        if (manifests.isEmpty()) {
            throw new IOException("manifest store holds no manifest");
        }
        Jumbf.Box manifest = manifests.get(manifests.size() - 1);
        Jumbf.Box claimBox = manifest.child(CLAIM) != null ? manifest.child(CLAIM) : manifest.child("c2pa.claim");
        Jumbf.Box signatureBox = manifest.child(SIGNATURE);
        Jumbf.Box assertions = manifest.child(ASSERTIONS);
        if (claimBox == null || signatureBox == null || assertions == null) {
            throw new IOException("manifest lacks its claim, signature or assertions");
        }
        byte[] claimCbor = claimBox.content();
        JsonNode claim = CBOR.readTree(claimCbor);
        X509Certificate signer = null;
        boolean selfSigned = false;
        try {
            List<X509Certificate> chain = CoseSignature.verify(signatureBox.content(), claimCbor);
            signer = chain.get(0);
            X509Certificate top = chain.get(chain.size() - 1);
            selfSigned = top.getSubjectX500Principal().equals(top.getIssuerX500Principal());
            signer.checkValidity();
        } catch (GeneralSecurityException e) {
            problems.add("signature: " + e.getMessage());
        }
        String bindingLabel = null;
        JsonNode binding = null;
        Map<String, String> settings = new LinkedHashMap<>();
        List<JsonNode> refs = new ArrayList<>();
        claim.path("created_assertions").forEach(refs::add);
        claim.path("gathered_assertions").forEach(refs::add);
        claim.path("assertions").forEach(refs::add);
        for (JsonNode ref : refs) {
            String url = ref.path("url").asText();
            String label = url.substring(url.lastIndexOf('/') + 1);
            Jumbf.Box box = assertions.child(label);
            if (box == null) {
                problems.add("missing assertion " + label);
                continue;
            }
            byte[] payload = box.payload();
            if (!MessageDigest.isEqual(sha256(payload, 0, payload.length), ref.path("hash").binaryValue())) {
                problems.add("assertion " + label + " does not match its hash");
            }
            if (label.startsWith("c2pa.hash.")) {
                bindingLabel = label;
                binding = CBOR.readTree(box.content());
            }
            if (label.equals(SETTINGS)) {
                CBOR.readTree(box.content()).fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
            }
        }
        if (binding == null) {
            problems.add("no hard binding");
        }
        JsonNode info = claim.path("claim_generator_info");
        String generator = info.isArray() ? info.path(0).path("name").asText() + " " + info.path(0).path("version").asText()
                : info.path("name").asText() + " " + info.path("version").asText()
                + (info.has("dev.strom.model") ? " (model " + info.path("dev.strom.model").asText() + ")" : "");
        return new Checked(problems, signer, selfSigned, generator.trim(), bindingLabel, binding, Map.copyOf(settings));
    }

    static byte[] sha256(byte[] data, int offset, int length) {
        MessageDigest d = digest();
        d.update(data, offset, length);
        return d.digest();
    }

    /** SHA-256, the only hash Strom's manifests use. */
    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

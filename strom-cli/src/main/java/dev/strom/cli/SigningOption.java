package dev.strom.cli;

import dev.strom.provenance.SigningIdentity;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the C2PA signing key and certificate chain are; both options override the environment. */
final class SigningOption {

    @Option(names = "--signing-key", paramLabel = "PEM",
            description = "private key (EC P-256, PEM) that signs C2PA manifests (default: $STROM_SIGNING_KEY, else ~/.strom/signing/signer.key)")
    Path key;

    @Option(names = "--signing-certs", paramLabel = "PEM",
            description = "certificate chain for that key, signer first (default: $STROM_SIGNING_CERTS, else ~/.strom/signing/chain.pem)")
    Path certs;

    SigningIdentity.Location location() {
        SigningIdentity.Location env = SigningIdentity.Location.fromEnvironment();
        return new SigningIdentity.Location(key != null ? key : env.key(), certs != null ? certs : env.certificates());
    }
}

package dev.strom.cli;

import dev.strom.pipeline.Delivery;
import dev.strom.provenance.SigningIdentity;

import java.io.IOException;

/** The command line's provenance step: on unless --no-provenance, and either way it says so on stderr. */
final class Provenance {

    private Provenance() {
    }

    static Delivery delivery(OutputOptions o, String modelName) throws IOException {
        return delivery(o.noProvenance, o.signing, modelName);
    }

    static Delivery delivery(boolean noProvenance, SigningOption signing, String modelName) throws IOException {
        if (noProvenance) {
            System.err.println("strom: provenance off (--no-provenance): no C2PA manifest and no watermark in what this run writes");
            return Delivery.withoutProvenance(modelName);
        }
        SigningIdentity.Location at = signing.location();
        Delivery delivery = Delivery.signedBy(at, modelName);
        if (delivery.createdIdentity()) {
            System.err.println("strom: created a local C2PA signing identity (" + at.key() + ", " + at.certificates()
                    + "); its root is self-signed, so validators will call the signer untrusted. Use your own with "
                    + "--signing-key/--signing-certs or STROM_SIGNING_KEY/STROM_SIGNING_CERTS.");
        }
        return delivery;
    }
}

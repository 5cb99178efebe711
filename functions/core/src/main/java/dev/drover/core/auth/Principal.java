package dev.drover.core.auth;

import java.util.Optional;

/** Who a request comes from, as proven by its credential. */
public sealed interface Principal {
    /** How the audit log names this caller. */
    String actor();

    /** A person signed in at the operators' identity provider; no role means no access at all. */
    record User(String name, Optional<Role> role) implements Principal {
        public boolean has(Role needed) {
            return role.map(r -> r.includes(needed)).orElse(false);
        }

        @Override
        public String actor() {
            return name;
        }
    }

    /** A migrator app, proven by its own identity (a ServiceAccount token or a client-credentials token). */
    record Migrator(String app) implements Principal {
        @Override
        public String actor() {
            return "migrator:" + app;
        }
    }

    /** The Dapr sidecar delivering a subscribed event, proven by Dapr's app API token. */
    record Sidecar() implements Principal {
        @Override
        public String actor() {
            return "dapr";
        }
    }

    /**
     * A sender whose request proves itself by its content, checked by the function (a dead letter carries its
     * run's callback token; a step event carries the platform's signature). Nothing else is known of it.
     */
    record Bearer() implements Principal {
        @Override
        public String actor() {
            return "event";
        }
    }
}

package dev.drover.history;

/** The history on the machine's PostgreSQL (production), in a schema of its own. */
class PostgresHistoryTest extends HistoryTestBase {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}

package dev.drover.history;

/** The history on H2 in PostgreSQL mode (the local default). */
class H2HistoryTest extends HistoryTestBase {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}

package dev.drover.core.state;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/** The state scripts as shipped keep every rule of {@link StateRules}: merge, paging, runs, ownership. */
class StateRulesTest {
    @TestFactory
    Stream<DynamicTest> theShippedScriptsKeepEveryRule() {
        return StateRules.all().stream().map(rule -> DynamicTest.dynamicTest(rule.name(), () -> {
            RedisState state = TestStates.create();
            try {
                rule.check().run(state);
            } finally {
                TestStates.drop(state);
            }
        }));
    }
}

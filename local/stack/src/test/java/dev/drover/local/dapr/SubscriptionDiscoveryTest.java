package dev.drover.local.dapr;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading Dapr's programmatic subscription answer, both shapes. */
class SubscriptionDiscoveryTest {
    private static List<AppSubscription> parse(String json) throws IOException {
        return SubscriptionDiscovery.parse("app", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsV1AndV2Shapes() throws IOException {
        List<AppSubscription> subscriptions = parse("""
                [{"pubsubname":"pubsub","topic":"a","route":"/on-a","metadata":{"x":"y"}},
                 {"pubsubname":"pubsub","topic":"b","routes":{"default":"on-b"},"deadLetterTopic":"b-dead"}]""");
        assertEquals(List.of(new AppSubscription("app", "pubsub", "a", "/on-a", Optional.empty()),
                             new AppSubscription("app", "pubsub", "b", "/on-b", Optional.of("b-dead"))),
                     subscriptions);
    }

    @Test
    void skipsIncompleteEntriesDuplicatesAndRulesWithoutDefault() throws IOException {
        List<AppSubscription> subscriptions = parse("""
                [{"pubsubname":"pubsub","topic":"a"},
                 {"topic":"b","route":"/b"},
                 {"pubsubname":"pubsub","topic":"c","routes":{"rules":[{"match":"event.type == 'x'","path":"/x"}]}},
                 {"pubsubname":"pubsub","topic":"d","route":"/d1"},
                 {"pubsubname":"pubsub","topic":"d","route":"/d2"}]""");
        assertEquals(List.of(new AppSubscription("app", "pubsub", "d", "/d1", Optional.empty())), subscriptions);
    }

    @Test
    void anAnswerThatIsNotAnArrayIsAFailure() {
        assertThrows(IOException.class, () -> parse("{\"pubsubname\":\"pubsub\"}"));
        assertThrows(IOException.class, () -> parse("<html>"));
    }
}

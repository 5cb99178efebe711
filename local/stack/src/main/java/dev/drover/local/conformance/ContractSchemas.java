package dev.drover.local.conformance;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.Dialects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contract's schemas (schemas/, shipped inside the functions' jar) as the kit's oracle, through networknt's
 * validator: the announcement's data against its JSON Schema, callbacks and dry-run answers against openapi.yaml's.
 */
final class ContractSchemas {
    static final String ANNOUNCEMENT = "classpath:schemas/events/migration-announced.schema.json";
    static final String CALLBACK = "classpath:schemas/openapi.yaml#/components/schemas/Callback";
    static final String DRY_RUN_RESULT = "classpath:schemas/openapi.yaml#/components/schemas/DryRunResult";
    private static final int SHOWN = 5;

    /** The event schemas say {@code $schema} 2020-12; openapi.yaml's are OpenAPI 3.1's dialect of it. */
    private final SchemaRegistry events = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final SchemaRegistry openApi = SchemaRegistry.withDialect(Dialects.getOpenApi31());
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final JsonMapper json = JsonMapper.builder().build();

    /** What is wrong with {@code body} under the schema at {@code location}: empty when it conforms; at most five. */
    List<String> problems(String location, String body) {
        JsonNode instance;
        try {
            instance = json.readTree(body);
        } catch (RuntimeException e) {
            return List.of("not JSON: " + Report.abbreviate(e.getMessage(), 200));
        }
        Schema schema = schemas.computeIfAbsent(location, l -> (l.contains("openapi.yaml") ? openApi : events).getSchema(SchemaLocation.of(l)));
        return schema.validate(instance).stream().map(Error::toString).limit(SHOWN).toList();
    }
}

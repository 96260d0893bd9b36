package io.reelflow.validation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Checks a message against one of the published JSON Schemas ({@code src/main/resources/schemas/}) and says what
 * is wrong as {@link Violation}s: the field as a path like {@code shots[2].prompt}, and a reason a person can act
 * on. Where a failed pattern or {@code not} leaves no good words of its own, the reason is the {@code description}
 * the schema gives the failing part, so the schema stays the one place where shape and its wording live.
 */
public final class JsonSchemaCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SHOWN = 80;

    private final JsonNode schemaDocument;
    private final JsonSchema schema;

    /** The schema at {@code resource} on the class path, such as {@code /schemas/campaign-batch.schema.json}. */
    public JsonSchemaCheck(String resource) {
        try (InputStream in = JsonSchemaCheck.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no schema at " + resource);
            }
            schemaDocument = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("schema " + resource + " cannot be read", e);
        }
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaDocument,
                SchemaValidatorsConfig.builder().pathType(PathType.JSON_PATH).build());
    }

    /**
     * Everything wrong with {@code message}. A field of the wrong type gets that reason alone: what else its value
     * breaks is noise until the type is right.
     */
    public List<Violation> violations(JsonNode message) {
        Map<String, List<Violation>> byField = new LinkedHashMap<>();
        Set<String> mistyped = new HashSet<>();
        for (ValidationMessage m : schema.validate(message)) {
            Violation v = violation(m);
            if (v == null) {
                continue;
            }
            List<Violation> found = byField.computeIfAbsent(v.field(), f -> new ArrayList<>());
            if ("type".equals(m.getType()) && mistyped.add(v.field())) {
                found.clear();
            }
            if (!found.contains(v) && (!mistyped.contains(v.field()) || "type".equals(m.getType()))) {
                found.add(v);
            }
        }
        return byField.values().stream().flatMap(List::stream).toList();
    }

    private Violation violation(ValidationMessage m) {
        JsonNode here = keyword(m);
        JsonNode value = m.getInstanceNode();
        String path = path(m.getInstanceLocation());
        return switch (m.getType()) {
            case "required" -> new Violation(child(path, m.getProperty()), "is required");
            case "additionalProperties" -> new Violation(child(path, m.getProperty()),
                    "is not a known field; known fields: " + new TreeSet<>(known(m)));
            case "type" -> new Violation(path, "must be " + types(here));
            case "enum" -> new Violation(path, "'" + shown(value) + "' is not allowed; use one of " + values(here));
            case "minLength" -> new Violation(path, "is " + length(value) + " characters; at least " + here.asInt()
                    + " are required");
            case "maxLength" -> new Violation(path, "is " + length(value) + " characters; at most " + here.asInt()
                    + " are allowed");
            case "minItems" -> new Violation(path, here.asInt() == 1 ? "must hold at least one item"
                    : "must hold at least " + here.asInt() + " items");
            case "maxItems" -> new Violation(path, "holds " + value.size() + " items; at most " + here.asInt()
                    + " are allowed");
            case "minimum" -> new Violation(path, "must be at least " + here.asText());
            case "maximum" -> new Violation(path, "must be at most " + here.asText());
            case "exclusiveMinimum" -> new Violation(path, "must be greater than " + here.asText());
            case "multipleOf" -> new Violation(path, "must be a multiple of " + here.asText());
            case "pattern", "format" -> new Violation(path, "'" + shown(value) + "' " + described(m));
            case "not", "const" -> new Violation(path, described(m));
            // The branch that failed has said why already.
            case "if", "then", "else", "allOf", "anyOf", "oneOf", "$ref" -> null;
            default -> new Violation(path, m.getMessage());
        };
    }

    /** The reason the failing part of the schema gives in its description. */
    private String described(ValidationMessage m) {
        JsonNode description = parent(m).path("description");
        return description.isTextual() ? description.textValue() : m.getMessage();
    }

    /** The value of the failing keyword, as the schema writes it. */
    private JsonNode keyword(ValidationMessage m) {
        return schemaDocument.at(pointer(m.getSchemaLocation().getFragment()));
    }

    /** The schema object that holds the failing keyword. */
    private JsonNode parent(ValidationMessage m) {
        JsonNodePath fragment = m.getSchemaLocation().getFragment();
        return fragment.getParent() == null ? schemaDocument : schemaDocument.at(pointer(fragment.getParent()));
    }

    private List<String> known(ValidationMessage m) {
        List<String> names = new ArrayList<>();
        parent(m).path("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String pointer(JsonNodePath path) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            pointer.append('/').append(path.getName(i).replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    /** {@code shots[2].prompt} for the instance path {@code $.shots[2].prompt}; {@code $} for the message. */
    static String path(JsonNodePath location) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                path.append('[').append(index).append(']');
            } else {
                path.append(path.length() == 0 ? "" : ".").append(abbreviate(String.valueOf(element)));
            }
        }
        return path.length() == 0 ? "$" : path.toString();
    }

    private static String child(String path, String property) {
        String name = abbreviate(property == null ? "?" : property);
        return "$".equals(path) ? name : path + "." + name;
    }

    /** {@code a string}, or {@code a string or an object} where the schema allows several types. */
    private static String types(JsonNode type) {
        if (!type.isArray()) {
            return article(type.asText());
        }
        List<String> named = new ArrayList<>();
        type.forEach(t -> named.add(article(t.asText())));
        return String.join(" or ", named);
    }

    private static String article(String type) {
        return switch (type) {
            case "object", "array", "integer" -> (type.equals("integer") ? "a whole number" : "an " + type);
            default -> "a " + type;
        };
    }

    private static List<String> values(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(e -> values.add(e.asText()));
        return values;
    }

    private static int length(JsonNode value) {
        return value == null ? 0 : value.asText().codePointCount(0, value.asText().length());
    }

    private static String shown(JsonNode value) {
        return abbreviate(value == null ? "" : value.isTextual() ? value.textValue() : value.toString());
    }

    static String abbreviate(String value) {
        return value.length() <= MAX_SHOWN ? value : value.substring(0, MAX_SHOWN - 3) + "...";
    }
}

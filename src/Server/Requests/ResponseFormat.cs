using System.Text.Json;
using Server.Errors;

namespace Server.Requests;

/// <summary>Shape check of <c>response_format</c> (api.md §12.4); the constraint itself is the engine's.</summary>
public static class ResponseFormat
{
    public static void Check(JsonElement body)
    {
        if (JsonFields.Object(body, "response_format") is not JsonElement format) return;
        var type = JsonFields.String(format, "type")
            ?? throw new RequestValidationException("response_format", "response_format.type is required.");
        switch (type)
        {
            case "text":
            case "json_object":
                return;
            case "json_schema":
                if (!JsonFields.Has(format, "json_schema") && !JsonFields.Has(format, "schema"))
                    throw new RequestValidationException("response_format", "response_format of type json_schema needs json_schema (or schema).");
                return;
            case "regex":
                if (JsonFields.String(format, "schema") is null)
                    throw new RequestValidationException("response_format", "response_format of type regex needs schema (a regex string).");
                return;
            default:
                throw new RequestValidationException("response_format",
                    $"response_format.type must be one of text, json_object, json_schema, regex, got \"{type}\".");
        }
    }
}

using System.Net;
using System.Text.Json;
using Server.Generation;
using Server.Hosting;
using Server.Tests.Fakes;
using Server.Tools;

namespace Server.Tests.Tools;

/// <summary>
/// <c>tool_choice: "required"</c> over tools whose parameters use local <c>$ref</c>s: each resolves against its own
/// tool's definitions, not the combined schema's (both tools here define a key <c>unit</c>, differently).
/// </summary>
public sealed class RequiredChoiceRefTests
{
    private const string ThermostatSchema =
        """{"$defs":{"unit":{"enum":["C","F"]}},"type":"object","properties":{"unit":{"$ref":"#/$defs/unit"}},"required":["unit"],"additionalProperties":false}""";

    private const string CounterSchema =
        """{"definitions":{"unit":{"type":"integer","minimum":1,"maximum":3}},"type":"object","properties":{"n":{"$ref":"#/definitions/unit"},"next":{"anyOf":[{"type":"null"},{"$ref":"#"}]}},"required":["n","next"],"additionalProperties":false}""";

    private const string Tools =
        """[{"type":"function","function":{"name":"set_unit","parameters":""" + ThermostatSchema
        + """}},{"type":"function","function":{"name":"count","parameters":""" + CounterSchema + """}}]""";

    [Fact]
    public void RequiredSchema_PointsEachToolsRefsAtItsOwnDefinitions()
    {
        var schema = ToolCallSchemas.Required([new ToolDefinition("set_unit", ThermostatSchema), new ToolDefinition("count", CounterSchema)]);

        using var doc = JsonDocument.Parse(schema);
        var defs = doc.RootElement.GetProperty("$defs");
        var alternatives = doc.RootElement.GetProperty("items").GetProperty("anyOf");
        var thermostat = alternatives[0].GetProperty("properties").GetProperty("parameters");
        var counter = alternatives[1].GetProperty("properties").GetProperty("parameters");
        Assert.Equal("#/$defs/set_unit.$defs.unit", thermostat.GetProperty("properties").GetProperty("unit").GetProperty("$ref").GetString());
        Assert.Equal("#/$defs/count.definitions.unit", counter.GetProperty("properties").GetProperty("n").GetProperty("$ref").GetString());
        Assert.Equal("#/$defs/count", counter.GetProperty("properties").GetProperty("next").GetProperty("anyOf")[1].GetProperty("$ref").GetString());
        Assert.Equal("C", defs.GetProperty("set_unit.$defs.unit").GetProperty("enum")[0].GetString());
        Assert.Equal(3, defs.GetProperty("count.definitions.unit").GetProperty("maximum").GetInt32());
        Assert.Equal("#/$defs/count", defs.GetProperty("count").GetProperty("properties").GetProperty("next").GetProperty("anyOf")[1].GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task RequiredChoice_OverToolsWithLocalRefs_GivesArgumentsFittingEachToolsOwnSchema()
    {
        using var host = BuiltinEngine.Load();
        await using var server = await TestServer.StartAsync(host);

        var seen = new HashSet<string>();
        for (var seed = 0; seed < 4; seed++)
        {
            var body = $$"""{"model": "{{BuiltinEngine.Model}}", "messages": [{"role": "user", "content": "call a tool"}], "tools": {{Tools}}, "tool_choice": "required", "max_tokens": 400, "temperature": 1.0, "seed": {{seed}}, "guided_whitespace_pattern": ""}""";
            var (status, response, _) = await Api.PostAsync(server.Client, "/v1/chat/completions", body);

            Assert.True(status == HttpStatusCode.OK, response.ToString());
            foreach (var call in response.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls").EnumerateArray())
            {
                var function = call.GetProperty("function");
                using var arguments = JsonDocument.Parse(function.GetProperty("arguments").GetString()!);
                var name = function.GetProperty("name").GetString()!;
                seen.Add(name);
                switch (name)
                {
                    case "set_unit": AssertFitsThermostat(arguments.RootElement); break;
                    case "count": AssertFitsCounter(arguments.RootElement); break;
                    default: Assert.Fail($"call names undefined tool {name}"); break;
                }
            }
        }
        Assert.NotEmpty(seen);
    }

    // The independent checks: set_unit's unit is its own enum (not count's integer), count's n its own range.
    private static void AssertFitsThermostat(JsonElement arguments)
    {
        Assert.Equal(["unit"], arguments.EnumerateObject().Select(p => p.Name));
        Assert.Contains(arguments.GetProperty("unit").GetString(), (string[])["C", "F"]);
    }

    private static void AssertFitsCounter(JsonElement arguments)
    {
        Assert.Equal(["n", "next"], arguments.EnumerateObject().Select(p => p.Name));
        Assert.InRange(arguments.GetProperty("n").GetInt32(), 1, 3);
        var next = arguments.GetProperty("next");
        if (next.ValueKind != JsonValueKind.Null)
        {
            AssertFitsCounter(next);   // "#" is count's own root, recursively
        }
    }
}

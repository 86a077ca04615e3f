using System.Text;
using System.Text.Json;
using Engine.Guided;
using Engine.Sampling;
using static Engine.Tests.Guided.GuidedKit;

namespace Engine.Tests.Guided;

/// <summary>Generation under JSON masks with random logits: every finished output must parse and satisfy the schema.</summary>
public sealed class JsonSchemaTests
{
    private const int Eos = 0;

    /// <summary>Single characters JSON needs, multi-character tokens that cross token boundaries, and the two halves of "é".</summary>
    private static readonly GuidedVocabulary Vocab = GuidedVocabulary.FromTokenBytes([
        null, // 0: EOS (special)
        .. "{}[],:\" \n\tabcdefghijklmnopqrstuvwxyz0123456789-.E+TZ\\/".Select(c => (byte[]?)Encoding.UTF8.GetBytes(c.ToString())),
        .. new[] { "true", "false", "null", "\":", "\",", "{\"", "\\n", "\\u00e9", "name", "\"name\": \"", "age", "tags", "é", "ab", "12", ", " }
            .Select(s => (byte[]?)Encoding.UTF8.GetBytes(s)),
        [0xC3], [0xA9],
    ]);

    // closing tokens get a small boost so random walks end in a few dozen tokens (the mask, not the bias, decides validity)
    private static float Bias(int id) =>
        id == Eos ? 2f : Vocab.TokenBytes[id] is [(byte)'}' or (byte)']' or (byte)'"'] ? 0.35f : 0f;

    public static TheoryData<string> Schemas => new()
    {
        """{"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":8},"age":{"type":"integer"},"tags":{"type":"array","items":{"type":"string","enum":["a","b"]},"minItems":1,"maxItems":3},"ok":{"type":"boolean"},"score":{"type":["number","null"]}},"required":["name","age"],"additionalProperties":false}""",
        """{"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},"required":["v"],"additionalProperties":false}},"$ref":"#/$defs/node"}""",
        """{"type":"object","properties":{"kind":{"const":"point"},"id":{"type":"string","pattern":"^[a-c]{2}\\d$"},"when":{"type":"string","format":"date"},"v":{"anyOf":[{"type":"integer"},{"type":"string","maxLength":2}]}},"required":["kind","id","when","v"],"title":"ignored","description":"ignored"}""",
        """{"type":"array","prefixItems":[{"type":"boolean"},{"type":"null"}],"items":{"type":"number"},"maxItems":4}""",
        """{"allOf":[{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"b":{"type":"string"}},"required":["b"]}]}""",
        """{"type":"object","additionalProperties":{"type":"integer"}}""",
        """{"definitions":{"e":{"enum":[1,"x",null,{"k":[true]}]}},"type":"object","properties":{"e":{"$ref":"#/definitions/e"},"o":{"oneOf":[{"type":"null"},{"type":"array","items":{"type":"string","maxLength":1}}]}},"required":["e","o"]}""",
    };

    [Theory]
    [MemberData(nameof(Schemas))]
    public void RandomWalkOutputs_ParseAndSatisfyTheSchema(string schema)
    {
        var c = Constraint(new SamplingParams { GuidedJson = schema });
        using var schemaDoc = JsonDocument.Parse(schema);
        for (var seed = 1; seed <= 12; seed++)
        {
            var (text, finished) = Generate(c, Vocab, Eos, seed, bias: Bias);
            Assert.True(finished, $"seed {seed}: no EOS after 3000 steps: {text[..Math.Min(200, text.Length)]}");
            using var doc = JsonDocument.Parse(text);
            var why = SchemaChecker.Check(schemaDoc.RootElement, doc.RootElement, schemaDoc.RootElement);
            Assert.True(why is null, $"seed {seed}: {why} in {text}");
        }
    }

    [Fact]
    public void JsonObjectOutputs_ParseAsObjects()
    {
        var c = Constraint(new SamplingParams { ResponseFormat = """{"type":"json_object"}""" });
        for (var seed = 1; seed <= 20; seed++)
        {
            var (text, finished) = Generate(c, Vocab, Eos, seed, bias: Bias);
            Assert.True(finished, $"seed {seed}: {text}");
            using var doc = JsonDocument.Parse(text);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        }
    }

    [Fact]
    public void WhitespacePattern_ReplacesTheDefaultBetweenTokens()
    {
        var c = Constraint(new SamplingParams { GuidedJson = """{"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"}}},"required":["a"]}""", GuidedWhitespacePattern = "\\n?" });
        var g = c.Grammar;
        Assert.True(Matches(g, "{\n\"a\":\n[1,\n2]}"));
        Assert.False(Matches(g, "{ \"a\": [1]}"));
        Assert.True(Matches(Constraint(new SamplingParams { GuidedJson = """{"type":"object"}""" }).Grammar, "{ \"x\" :\t[1, {}]\r\n}"));
    }

    [Theory]
    [InlineData("""{"type":"number","minimum":0}""", "'minimum' at #")]
    [InlineData("""{"type":"integer","maximum":10}""", "integer bounds at # are not supported")]
    [InlineData("""{"type":"integer","minimum":5,"maximum":1}""", "admit no value")]
    [InlineData("""{"type":"object","properties":{"n":{"type":"number","multipleOf":2}}}""", "'multipleOf' at #/properties/n")]
    [InlineData("""{"not":{"type":"string"}}""", "'not'")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "points to nothing")]
    [InlineData("""{"$ref":"http://example.com/s.json"}""", "is not supported")]
    [InlineData("""{"type":"strung"}""", "Unknown JSON schema type 'strung'")]
    [InlineData("""{"type":"string","pattern":"(?=x)"}""", "lookahead")]
    [InlineData("""{"type": "object", """, "not valid JSON")]
    public void Throws_NamingGuidedJson_WhenSchemaCannotBeHonoured(string schema, string expected)
    {
        var e = Assert.Throws<SamplingParamsException>(() => GuidedConstraint.Compile(new SamplingParams { GuidedJson = schema }));
        Assert.Equal("guided_json", e.Field);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SameSchema_IsCompiledOnce()
    {
        var schema = """{"type":"object","properties":{"cache_probe":{"type":"string"}}}""";
        var a = Constraint(new SamplingParams { GuidedJson = schema });
        var b = Constraint(new SamplingParams { ResponseFormat = "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":" + schema + "}}" });
        Assert.Same(a.Grammar, b.Grammar);
        Assert.Equal("response_format", b.Field);
    }

    [Fact]
    public void ResponseFormatShapes_MapOntoTheirConstraints()
    {
        Assert.True(Matches(Constraint(new SamplingParams { ResponseFormat = """{"type":"json_schema","schema":"{\"type\":\"boolean\"}"}""" }).Grammar, "true"));
        Assert.True(Matches(Constraint(new SamplingParams { ResponseFormat = """{"type":"json_object","schema":{"type":"null"}}""" }).Grammar, "null"));
        Assert.True(Matches(Constraint(new SamplingParams { ResponseFormat = """{"type":"regex","schema":"a+b"}""" }).Grammar, "aab"));
        Assert.False(Matches(Constraint(new SamplingParams { ResponseFormat = """{"type":"json_object"}""" }).Grammar, "[1]"));
        Assert.Null(GuidedConstraint.Compile(new SamplingParams()));
    }
}

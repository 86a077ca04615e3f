using System.Text.Json.Nodes;
using Engine.ChatTemplates;
using Tests.Common;

namespace Engine.Tests.ChatTemplates;

/// <summary>
/// Every case of ../shared/fixtures/tokenizers/*/chat_cases.jsonl, rendered by Jinja2 3.1.6 the way transformers
/// does, must come out byte-identical.
/// </summary>
public sealed class ChatTemplateFixtureTests
{
    private static readonly string[] Folders = ["llama3", "llama3_1", "qwen3", "gemini"];

    public static TheoryData<string, int, string> Cases()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var folder in Folders)
        {
            var lines = File.ReadAllLines(SharedFiles.PathOf("fixtures", "tokenizers", folder, "chat_cases.jsonl"));
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Length > 0)
                {
                    data.Add(folder, i + 1, Describe(JsonNode.Parse(lines[i])!.AsObject()));
                }
            }
        }
        return data;
    }

    // A readable row name: roles, the generation flag and the extra variables.
    private static string Describe(JsonObject c)
    {
        var roles = string.Join("+", c["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        var extra = string.Join(",", c["extra"]!.AsObject().Select(kv => kv.Key));
        return $"{roles} agp={c["add_generation_prompt"]} {extra}".Trim();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_ByteIdenticalToJinja2(string folder, int line, string description)
    {
        var dir = SharedFiles.PathOf("fixtures", "tokenizers", folder);
        var c = JsonNode.Parse(File.ReadAllLines(Path.Combine(dir, "chat_cases.jsonl"))[line - 1])!.AsObject();
        var renderer = ChatTemplateRenderer.FromDirectory(dir, clock: FixedClock.Fixture);

        var rendered = renderer.Render(c["messages"]!.AsArray(), c["add_generation_prompt"]!.GetValue<bool>(), c["extra"]!.AsObject());

        Assert.True(description.Length > 0);
        Assert.Equal(c["rendered"]!.GetValue<string>(), rendered);
    }

    [Fact]
    public void Gemini_RaisesTemplateMessage_WhenSystemRoleGiven()
    {
        var renderer = ChatTemplateRenderer.FromDirectory(SharedFiles.PathOf("fixtures", "tokenizers", "gemini"));
        var messages = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = "x" }, new JsonObject { ["role"] = "user", ["content"] = "hi" });

        var e = Assert.Throws<ChatTemplateException>(() => renderer.Render(messages, addGenerationPrompt: true));

        Assert.True(e.RaisedByTemplate);
        Assert.Equal("System role not supported", e.Message);
    }

    [Fact]
    public void Qwen3_LeavesBosTokenUndefined_WhenConfigHasNone()
    {
        var config = ChatTemplateConfig.Load(SharedFiles.PathOf("fixtures", "tokenizers", "qwen3"));

        Assert.False(config.SpecialTokens.ContainsKey("bos_token"));
        Assert.Equal("<|im_end|>", config.SpecialTokens["eos_token"].GetValue<string>());
        Assert.Equal(13, config.SpecialTokens["additional_special_tokens"].AsArray().Count);
    }
}

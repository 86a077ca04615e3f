using System.Text.Json.Nodes;
using Engine.ChatTemplates;
using Tests.Common;

namespace Engine.Tests.ChatTemplates;

/// <summary>The public surface: parsing errors, template selection, variables, budgets and the chat-case line format.</summary>
public sealed class ChatTemplateApiTests
{
    private static JsonArray Conversation() => new(
        new JsonObject { ["role"] = "user", ["content"] = "Hi" },
        new JsonObject { ["role"] = "assistant", ["content"] = "Hello" });

    [Fact]
    public void Parse_ReportsLineAndColumn_OfSyntaxError()
    {
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse("ok\nline two {{ 1 + }}"));

        Assert.Equal(2, e.Line);
        Assert.Equal(17, e.Column); // the "}}" that arrived where an operand was expected
        Assert.Contains("end of print statement", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReturnsCachedInstance_ForSameSource()
    {
        var source = "{{ 'cache' ~ " + Environment.TickCount64 + " }}";

        Assert.Same(ChatTemplate.Parse(source), ChatTemplate.Parse(source));
    }

    [Fact]
    public void GenerationBlock_RendersItsBody()
    {
        // transformers registers {% generation %} (assistant-mask tracking) and renders the body unchanged.
        Assert.Equal("abc", ChatTemplate.Parse("a{% generation %}b{% endgeneration %}c").Render([]));
    }

    [Fact]
    public void Render_AcceptsClrBackedJsonValues()
    {
        var variables = new JsonObject { ["i"] = 3, ["f"] = 0.5, ["b"] = true, ["s"] = "x", ["n"] = null };

        Assert.Equal("3 0.5 True x None", ChatTemplate.Parse("{{ i }} {{ f }} {{ b }} {{ s }} {{ n }}").Render(variables));
    }

    [Fact]
    public void Render_Throws_WhenLoopBudgetExceeded()
    {
        var limits = new ChatTemplateLimits { MaxLoopIterations = 1000 };
        var template = ChatTemplate.Parse("{% for i in range(100) %}{% for j in range(100) %}{% endfor %}{% endfor %}");

        var e = Assert.Throws<ChatTemplateException>(() => template.Render([], limits));

        Assert.Contains("iteration budget", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Throws_WhenOutputBudgetExceeded()
    {
        var limits = new ChatTemplateLimits { MaxOutputChars = 10_000 };

        Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse("{{ 'x' * 100000 }}").Render([], limits));
        Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse("{% for i in range(20000) %}ab{% endfor %}").Render([], limits));
    }

    [Fact]
    public void Render_Throws_WhenMacroRecursesTooDeep()
    {
        var template = ChatTemplate.Parse("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");

        var e = Assert.Throws<ChatTemplateException>(() => template.Render([]));

        Assert.Contains("call depth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Throws_WhenRangeExceedsSandboxLimit()
    {
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse("{{ range(1000000)|length }}").Render([]));

        Assert.StartsWith("OverflowError", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_PicksToolUseTemplate_OnlyWhenToolsGiven()
    {
        var config = ChatTemplateConfig.ParseConfig("""
            {"chat_template": [{"name": "default", "template": "D{{ tools is none }}"}, {"name": "tool_use", "template": "T{{ tools|length }}"}],
             "bos_token": {"content": "<s>", "lstrip": false}, "eos_token": "</s>", "unk_token": null}
            """);
        var renderer = new ChatTemplateRenderer(config);

        Assert.Equal("DTrue", renderer.Render(Conversation(), addGenerationPrompt: true));
        Assert.Equal("T1", renderer.Render(Conversation(), addGenerationPrompt: true, new JsonObject { ["tools"] = new JsonArray(new JsonObject()) }));
        Assert.Equal("DFalse", renderer.Render(Conversation(), true, new JsonObject { ["tools"] = new JsonArray() }, template: "default"));
        Assert.Equal("<s>", config.SpecialTokens["bos_token"].GetValue<string>());
        Assert.False(config.SpecialTokens.ContainsKey("unk_token"));
    }

    [Fact]
    public void Renderer_LetsExtraOverrideDefaults_AndLeavesUnsetTokensUndefined()
    {
        var renderer = new ChatTemplateRenderer(ChatTemplateConfig.ParseConfig("""{"chat_template": "{{ bos_token }}|{{ unk_token is defined }}|{{ add_generation_prompt }}|{{ documents }}", "bos_token": "<s>"}"""));

        Assert.Equal("[BOS]|False|True|None", renderer.Render(Conversation(), addGenerationPrompt: true, new JsonObject { ["bos_token"] = "[BOS]" }));
    }

    [Fact]
    public void Renderer_Throws_WhenTokenizerHasNoTemplate()
    {
        var renderer = new ChatTemplateRenderer(ChatTemplateConfig.ParseConfig("""{"eos_token": "</s>"}"""));

        Assert.Throws<ChatTemplateException>(() => renderer.Render(Conversation(), addGenerationPrompt: true));
    }

    [Fact]
    public void ChatCaseLine_ReproducesFixtureRendering_AndReportsErrors()
    {
        var dir = SharedFiles.PathOf("fixtures", "tokenizers", "gemini");
        var renderer = ChatTemplateRenderer.FromDirectory(dir);
        var line = File.ReadLines(Path.Combine(dir, "chat_cases.jsonl")).First();

        var ok = JsonNode.Parse(ChatCaseLine.Render(renderer, line))!;
        var bad = JsonNode.Parse(ChatCaseLine.Render(renderer, """{"messages": [{"role": "system", "content": "s"}]}"""))!;

        Assert.Equal(JsonNode.Parse(line)!["rendered"]!.GetValue<string>(), ok["rendered"]!.GetValue<string>());
        Assert.Equal("System role not supported", bad["error"]!.GetValue<string>());
    }

    [Fact]
    public void ContinueFinalMessage_CutsAfterTheFinalMessageText()
    {
        // qwen3 renders "...<|im_start|>assistant\nThe answer is<|im_end|>\n"; transformers keeps up to "The answer is".
        var renderer = ChatTemplateRenderer.FromDirectory(SharedFiles.PathOf("fixtures", "tokenizers", "qwen3"));
        var messages = new JsonArray(
            new JsonObject { ["role"] = "user", ["content"] = "Q?" },
            new JsonObject { ["role"] = "assistant", ["content"] = "The answer is " });

        var rendered = renderer.Render(messages, addGenerationPrompt: false, continueFinalMessage: true);

        Assert.Equal("<|im_start|>user\nQ?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nThe answer is", rendered);
    }

    [Fact]
    public void ContinueFinalMessage_Throws_WithAddGenerationPrompt()
    {
        var renderer = ChatTemplateRenderer.FromDirectory(SharedFiles.PathOf("fixtures", "tokenizers", "qwen3"));

        Assert.Throws<ChatTemplateException>(() => renderer.Render(Conversation(), addGenerationPrompt: true, continueFinalMessage: true));
    }

    [Fact]
    public void Render_ReportsLineOfFailingStatement()
    {
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse("line one\n{% for m in messages %}\n  {{ m.x.y }}\n{% endfor %}").Render(
            new JsonObject { ["messages"] = new JsonArray(new JsonObject()) }));

        Assert.Equal(3, e.Line);
        Assert.StartsWith("UndefinedError: 'dict object' has no attribute 'x'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("paren")]
    [InlineData("not")]
    [InlineData("if")]
    public void Parse_Throws_InsteadOfOverflowingTheStack_WhenNestingIsHostile(string kind)
    {
        const int depth = 20_000;   // far past the nesting cap; unguarded recursion this deep would overflow the stack
        var source = kind switch
        {
            "paren" => "{{ " + new string('(', depth) + "1" + new string(')', depth) + " }}",
            "not" => "{{ " + string.Concat(Enumerable.Repeat("not ", depth)) + "1 }}",
            _ => string.Concat(Enumerable.Repeat("{% if true %}", depth)) + string.Concat(Enumerable.Repeat("{% endif %}", depth)),
        };

        Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(source));
    }
}

using System.Net;
using System.Text.Json;
using Server.Generation;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

/// <summary>
/// How prompts become ids: the parse-special switch (special-token text in prompts and message content encodes
/// literally, the template's own special tokens stay special), the chat template of the built-in model and the hint
/// for a model without one, and <c>/v1/tokenize</c> saying whether its count includes special tokens.
/// </summary>
public sealed class PromptEncodingTests(TwoTokenizerFamilies models) : IClassFixture<TwoTokenizerFamilies>
{
    // each family's EOS as text (aidreams260K's piece is "\n</s>\n")
    private static string SpecialText(string model) => model == TwoTokenizerFamilies.Aidreams ? "\n</s>\n" : "<|eot_id|>";

    private static int SpecialId(string model) => model == TwoTokenizerFamilies.Aidreams ? 2 : 128009;

    // a template for aidreams260K that writes the special token itself after each message
    private static string? Template(string model) =>
        model == TwoTokenizerFamilies.Aidreams ? "{% for m in messages %}{{ m.content }}\n</s>\n{% endfor %}" : null;

    private static async Task<int[]> Tokenize(TestServer server, object request)
    {
        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/tokenize", JsonSerializer.Serialize(request));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return [.. body.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32())];
    }

    private static async Task<string> Detokenize(TestServer server, string model, int[] ids)
    {
        var (_, body, _) = await Api.PostAsync(server.Client, "/v1/detokenize", JsonSerializer.Serialize(new { model, tokens = ids }));
        return body.GetProperty("prompt").GetString()!;
    }

    [Theory]
    [MemberData(nameof(TwoTokenizerFamilies.Models), MemberType = typeof(TwoTokenizerFamilies))]
    public async Task SpecialTokenTextInAPrompt_IsTheSpecialId_UnlessParseSpecialIsOff(string model)
    {
        var prompt = "Once" + SpecialText(model) + "upon";
        await using (var server = await TestServer.StartAsync(models.Host))
        {
            Assert.Contains(SpecialId(model), await Tokenize(server, new { model, prompt, add_special_tokens = false }));
        }
        await using (var server = await TestServer.StartAsync(models.LiteralSpecialHost))
        {
            var ids = await Tokenize(server, new { model, prompt, add_special_tokens = false });
            Assert.DoesNotContain(SpecialId(model), ids);
            Assert.Equal(prompt, await Detokenize(server, model, ids));
            // completions bill the same literal encoding
            var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
                JsonSerializer.Serialize(new { model, prompt, max_tokens = 1, temperature = 0 }));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(ids.Length, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        }
    }

    [Theory]
    [MemberData(nameof(TwoTokenizerFamilies.Models), MemberType = typeof(TwoTokenizerFamilies))]
    public async Task SpecialTokenTextInMessageContent_StaysText_WhileTheTemplatesSpecialsStaySpecial(string model)
    {
        object Chat(string content) => new
        {
            model, messages = new[] { new { role = "user", content } }, chat_template = Template(model), add_generation_prompt = false,
        };
        await using var server = await TestServer.StartAsync(models.LiteralSpecialHost);
        var plain = await Tokenize(server, Chat("hi there"));
        var withSpecial = await Tokenize(server, Chat("hi" + SpecialText(model) + "there"));
        var fromTemplate = plain.Count(id => id == SpecialId(model));
        Assert.True(fromTemplate > 0, "the template writes the special token");
        Assert.Equal(fromTemplate, withSpecial.Count(id => id == SpecialId(model)));
        Assert.Contains("hi" + SpecialText(model) + "there", await Detokenize(server, model, withSpecial), StringComparison.Ordinal);

        await using var parsing = await TestServer.StartAsync(models.Host);
        Assert.Equal(fromTemplate + 1, (await Tokenize(parsing, Chat("hi" + SpecialText(model) + "there"))).Count(id => id == SpecialId(model)));
    }

    [Fact]
    public async Task BuiltinModel_AnswersChat_WithNoTemplateConfigured()
    {
        using var host = EngineModelHost.Load(new EngineSettings(new Dictionary<string, string>(), MaxNumSeqs: 2, KvBlocks: null, ChatTemplatePath: null));
        await using var server = await TestServer.StartAsync(host);
        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
            $$"""{"model": "{{EngineModelHost.BuiltinName}}", "messages": [{"role": "user", "content": "Hello!"}], "max_tokens": 4}""");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal("assistant", body.GetProperty("choices")[0].GetProperty("message").GetProperty("role").GetString());
    }

    [Fact]
    public async Task ModelWithoutTemplate_GetsAHintNamingTheWaysOut()
    {
        await using var server = await TestServer.StartAsync(models.Host);
        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
            $$"""{"model": "{{TwoTokenizerFamilies.Aidreams}}", "messages": [{"role": "user", "content": "Hello!"}], "max_tokens": 4}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = Api.AssertError(body, 400, "BadRequestError", "chat_template").GetProperty("message").GetString()!;
        Assert.Contains("--chat-template", message, StringComparison.Ordinal);
        Assert.Contains("/v1/completions", message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TwoTokenizerFamilies.Models), MemberType = typeof(TwoTokenizerFamilies))]
    public async Task Tokenize_SaysWhetherItsCountIncludesSpecialTokens_AndMatchesBillingWhenAligned(string model)
    {
        await using var server = await TestServer.StartAsync(models.Host);
        const string prompt = "Once upon a time";
        var (_, counted, _) = await Api.PostAsync(server.Client, "/v1/tokenize", JsonSerializer.Serialize(new { model, prompt }));
        Assert.True(counted.GetProperty("add_special_tokens").GetBoolean());
        var (_, aligned, _) = await Api.PostAsync(server.Client, "/v1/tokenize", JsonSerializer.Serialize(new { model, prompt, add_special_tokens = false }));
        Assert.False(aligned.GetProperty("add_special_tokens").GetBoolean());
        var (_, completion, _) = await Api.PostAsync(server.Client, "/v1/completions", JsonSerializer.Serialize(new { model, prompt, max_tokens = 1 }));
        var billed = completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.Equal(aligned.GetProperty("count").GetInt32(), billed);
        // aidreams260K's post-processor puts BOS first: the default count includes it, the completion does not bill it
        if (model == TwoTokenizerFamilies.Aidreams)
            Assert.Equal(billed + 1, counted.GetProperty("count").GetInt32());
    }
}

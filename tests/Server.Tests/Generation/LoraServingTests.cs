using System.ClientModel;
using System.Net;
using Engine.Generation;
using Engine.Lora;
using Engine.Model;
using Engine.Tests.Lora;
using Loader.Adapters;
using OpenAI;
using OpenAI.Chat;
using Server.Generation;
using Server.Hosting;
using Server.Tests.Fakes;
using Tests.Common;
using EngineGenerationRequest = Engine.Generation.GenerationRequest;

namespace Server.Tests.Generation;

/// <summary>
/// <c>engine serve --lora tuned=DIR@builtin</c> on a real Kestrel: the built-in random-weight model as the base and a
/// random adapter on every projection. Expectations come from <see cref="LlmEngine"/> run directly, without HTTP.
/// </summary>
public sealed class LoraServingTests : IDisposable
{
    private const string Base = EngineModelHost.BuiltinName;
    private const string Lora = "tuned";
    private const string Prompt = "Hello";
    private const int MaxTokens = 12;

    private static readonly string[] AllTargets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    private readonly TempDirectory _dir = new();

    public LoraServingTests()
    {
        var c = BuiltinModel.Config;
        RandomLoraAdapter.Write(AdapterDir, c, rank: 4, alpha: 64, seed: 5, [.. Enumerable.Range(0, c.NumLayers)], AllTargets);
    }

    private string AdapterDir => _dir.File("adapter");

    public void Dispose() => _dir.Dispose();

    private EngineModelHost Host() => EngineModelHost.Load(
        new EngineSettings(new Dictionary<string, string>(), MaxNumSeqs: 8, KvBlocks: null, ChatTemplatePath: null)
        {
            Loras = [new LoraSetting(Lora, AdapterDir, Base)],
        });

    private static string Body(string model, double? multiplier = null) =>
        $$"""{"model": "{{model}}", "prompt": "{{Prompt}}", "max_tokens": {{MaxTokens}}, "temperature": 0, "ignore_eos": true{{(multiplier is { } m ? $", \"multiplier\": {m}" : "")}}}""";

    // Greedy text straight from an engine over the same base and adapter (no server, no text layer).
    private async Task<string> DirectText(float? multiplier)
    {
        var tokenizer = BuiltinModel.CreateTokenizer();
        var options = new EngineOptions { Threads = 1, MaxNumSeqs = 1, LoraAdapters = [new LoraAdapterSpec(Lora, AdapterDir)] };
        using var engine = LlmEngine.Create(BuiltinModel.Config, BuiltinModel.CreateWeights(), options);
        var request = new EngineGenerationRequest(tokenizer.Encode(Prompt, addSpecialTokens: false), MaxTokens)
        {
            Sampling = EngineGenerationRequest.Greedy with { IgnoreEos = true },
            LoraId = multiplier is null ? -1 : 0,
            LoraMultiplier = multiplier ?? 0f,
        };
        var ids = new List<int>();
        await foreach (var output in engine.GenerateAsync(request))
        {
            ids.Add(output.TokenId);
        }
        return tokenizer.Decode([.. ids], skipSpecialTokens: true);
    }

    private static async Task<string> CompletionText(TestServer server, string body, string? key = null)
    {
        var (status, json, _) = await Api.PostAsync(server.Client, "/v1/completions", body, key);
        Assert.Equal(HttpStatusCode.OK, status);
        return json.GetProperty("choices")[0].GetProperty("text").GetString()!;
    }

    [Fact]
    public async Task Models_ListsTheLora_WithTheBaseAsParent()
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);

        var (status, body) = await Api.GetAsync(server.Client, "/v1/models");
        var (one, card) = await Api.GetAsync(server.Client, $"/v1/models/{Lora}");

        Assert.Equal(HttpStatusCode.OK, status);
        var cards = body.GetProperty("data").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!);
        Assert.Equal([Base, Lora], cards.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cards[Base].GetProperty("parent").ValueKind);
        Assert.Equal(Base, cards[Lora].GetProperty("parent").GetString());
        // api.md §5: root is the base model's path or name, for the finetune card too
        Assert.Equal(cards[Base].GetProperty("root").GetString(), cards[Lora].GetProperty("root").GetString());
        Assert.Equal(HttpStatusCode.OK, one);
        Assert.Equal(Base, card.GetProperty("parent").GetString());
        Assert.Equal(host.Tokenize(Base, Prompt, false), host.Tokenize(Lora, Prompt, false));   // the base's tokenizer
    }

    [Fact]
    public async Task LoraCompletions_FollowTheMultiplier_AndEqualTheEngineRunDirectly()
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);

        var baseText = await CompletionText(server, Body(Base));
        var byMultiplier = new Dictionary<double, string>();
        foreach (var m in new[] { 0.5, 1, 2 })
        {
            byMultiplier[m] = await CompletionText(server, Body(Lora, m));
            Assert.Equal(await DirectText((float)m), byMultiplier[m]);
            Assert.NotEqual(baseText, byMultiplier[m]);
        }

        Assert.Equal(await DirectText(null), baseText);
        Assert.Equal(byMultiplier[1], await CompletionText(server, Body(Lora)));   // multiplier defaults to 1
        Assert.Equal(3, byMultiplier.Values.Distinct().Count());
        // api.md §11.3: a model that is not a base + LoRA pair ignores multiplier
        Assert.Equal(baseText, await CompletionText(server, Body(Base, 4)));
    }

    [Fact]
    public async Task Chat_ThroughTheOpenAIClient_RunsTheLora_OnTheBasesTemplate()
    {
        var template = _dir.File("template.jinja");
        await File.WriteAllTextAsync(template, "{% for m in messages %}<{{ m.role }}>{{ m.content }}\n{% endfor %}<assistant>");
        using var host = EngineModelHost.Load(new EngineSettings(new Dictionary<string, string>(), 8, null, template) { Loras = [new LoraSetting(Lora, AdapterDir, Base)] });
        await using var server = await TestServer.StartAsync(host);
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = MaxTokens };
        ChatClient Client(string model) => new(model, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1") });

        var tuned = (await Client(Lora).CompleteChatAsync([new UserChatMessage("hi")], options)).Value;
        var plain = (await Client(Base).CompleteChatAsync([new UserChatMessage("hi")], options)).Value;

        Assert.Equal(Lora, tuned.Model);
        Assert.Equal(plain.Usage.InputTokenCount, tuned.Usage.InputTokenCount);   // one template, one tokenizer
        Assert.NotEqual(plain.Content[0].Text, tuned.Content[0].Text);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Returns400NamingMultiplier_WhenOutOfRange(double multiplier)
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions", Body(Lora, multiplier));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", "multiplier");
    }

    [Fact]
    public async Task ConcurrentBaseAndLoraRequests_EachGetTheirRunAlone()
    {
        using var host = Host();
        await using var server = await TestServer.StartAsync(host);
        string[] bodies = [Body(Base), Body(Lora, 0.5), Body(Lora, 2), Body(Base), Body(Lora, 4), Body(Lora, 0.5)];
        var alone = new List<string>();
        foreach (var body in bodies)
        {
            alone.Add(await CompletionText(server, body));
        }

        var together = await Task.WhenAll(bodies.Select(b => CompletionText(server, b)));

        Assert.Equal(alone, together);
        Assert.Equal(0, host.Stats.KvBlocksUsed);
    }

    [Fact]
    public async Task KeysAllowedOnlyTheLora_UseItByNameAndThroughMultiModels_AndAreRefusedTheBase()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(models: [Lora]);
        using var host = Host();
        await using var server = await TestServer.StartAsync(host, keys.Store);

        var (_, models) = await Api.GetAsync(server.Client, "/v1/models", key);
        var byName = await CompletionText(server, Body(Lora, 2), key);
        var (multiStatus, multi, _) = await Api.PostAsync(server.Client, "/v1/completions",
            $$"""{"multi_models": ["{{Lora}}"], "prompt": "{{Prompt}}", "max_tokens": {{MaxTokens}}, "temperature": 0, "ignore_eos": true, "multiplier": 2}""", key);
        var (baseStatus, _, _) = await Api.PostAsync(server.Client, "/v1/completions", Body(Base), key);

        Assert.Equal([Lora], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, multiStatus);
        Assert.Equal(Lora, multi.GetProperty("model").GetString());
        Assert.Equal(byName, multi.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, baseStatus);
    }

    [Fact]
    public void Load_Throws_NamingTheAdapterAndTensor_WhenAShapeDoesNotFitTheBase()
    {
        var c = BuiltinModel.Config;
        RandomLoraAdapter.Write(_dir.File("narrow"), c with { HiddenDim = c.HiddenDim / 2 }, rank: 2, alpha: 2, seed: 1, [1], ["down_proj"]);
        var settings = new EngineSettings(new Dictionary<string, string>(), 4, null, null) { Loras = [new LoraSetting("narrow", _dir.File("narrow"), Base)] };

        var error = Assert.Throws<LoraFormatException>(() => EngineModelHost.Load(settings));

        Assert.Contains("LoRA adapter 'narrow'", error.Message, StringComparison.Ordinal);
        Assert.Contains("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight", error.Message, StringComparison.Ordinal);
    }
}

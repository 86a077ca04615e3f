using System.Net;
using Server.Generation;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

public sealed class StreamingLifecycleTests
{
    [Fact]
    public async Task CancelsGeneration_WhenClientDisconnectsMidStream()
    {
        var host = new FakeModelHost { TokenDelay = TimeSpan.FromMilliseconds(50) };
        await using var server = await TestServer.StartAsync(host);
        using var cts = new CancellationTokenSource();
        // No draining on dispose: the connection closes at once, as when a browser tab goes away.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = server.BaseAddress };

        var response = await client.SendAsync(
            Api.Post("/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": 60, "stream": true}"""),
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        var buffer = new byte[64];
        _ = await stream.ReadAsync(buffer, cts.Token); // at least the first chunk arrived
        await cts.CancelAsync();
        response.Dispose();

        await host.FirstCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, host.Cancelled);
    }

    [Fact]
    public async Task SendsErrorEventThenDone_WhenEngineFailsAfterStreamStarted()
    {
        await using var server = await TestServer.StartAsync(new FailingHost());

        var response = await server.Client.SendAsync(Api.Post("/v1/completions", """{"model": "tiny", "prompt": "x", "stream": true}"""));
        var events = Api.SseData(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", events[^1]);
        var error = System.Text.Json.JsonDocument.Parse(events[^2]).RootElement.GetProperty("error");
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal("temperature", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task ReturnsBadRequestNamingField_WhenEngineRejectsBeforeFirstToken()
    {
        await using var server = await TestServer.StartAsync(new FailingHost());

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions", """{"model": "tiny", "prompt": "x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", "temperature");
    }

    [Fact]
    public async Task ReturnsBadRequestNamingField_WhenEngineRejectsSeveralPrompts()
    {
        await using var server = await TestServer.StartAsync(new FailingHost());

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions", """{"model": "tiny", "prompt": ["x", "y", "z"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", "temperature");
    }

    [Fact]
    public async Task ReturnsBadRequestBeforeTheStream_WhenEngineRejectsAndQueueTimeoutIsSet()
    {
        // With timeout_microseconds the stream opens only at the first token, so an engine rejection is a plain 400.
        await using var server = await TestServer.StartAsync(new FailingHost());

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/completions",
            """{"model": "tiny", "prompt": "x", "stream": true, "timeout_microseconds": 10000000}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", "temperature");
    }

    /// <summary>An engine that rejects every request once it starts generating.</summary>
    private sealed class FailingHost : IModelHost
    {
        private readonly FakeModelHost _inner = new();

        public IReadOnlyList<ServedModel> Models => _inner.Models;
        public bool IsReady => true;
        public EngineStats Stats => default;
        public IReadOnlyList<int> Tokenize(string model, string text, bool addSpecialTokens) => _inner.Tokenize(model, text, addSpecialTokens);
        public string Detokenize(string model, IReadOnlyList<int> tokenIds, bool skipSpecialTokens) => _inner.Detokenize(model, tokenIds, skipSpecialTokens);
        public string TokenText(string model, int tokenId) => _inner.TokenText(model, tokenId);
        public string RenderChat(string model, ChatRenderRequest request) => _inner.RenderChat(model, request);

        public async IAsyncEnumerable<GenerationChunk> Generate(GenerationRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            throw new GenerationRejectedException("temperature", "temperature is not supported by this engine.");
#pragma warning disable CS0162 // an async iterator needs a yield to be one
            yield break;
#pragma warning restore CS0162
        }
    }
}

using System.Net;
using System.Text;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

/// <summary>The <c>: keep-alive</c> SSE comment while a stream produces no token (api.md §8.1).</summary>
public sealed class KeepAliveTests
{
    private static readonly ServerOptions ShortKeepAlive = new() { KeepAliveInterval = TimeSpan.FromMilliseconds(40) };

    /// <summary>Reads the body until <paramref name="marker"/> has been seen; returns what was read.</summary>
    private static async Task<string> ReadUntilAsync(Stream body, StringBuilder seen, string marker)
    {
        var buffer = new byte[256];
        while (!seen.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.NotEqual(0, read);
            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return seen.ToString();
    }

    [Theory]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": 3, "stream": true}""")]
    [InlineData("/v1/chat/completions", """{"model": "tiny", "messages": [{"role": "user", "content": "x"}], "max_tokens": 3, "stream": true}""")]
    public async Task SendsKeepAliveComments_WhileNoTokenIsProduced_ThenTheEvents(string path, string json)
    {
        var host = new FakeModelHost { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var server = await TestServer.StartAsync(host, options: ShortKeepAlive);

        var response = await server.Client.SendAsync(Api.Post(path, json), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        var seen = new StringBuilder();
        // The gate holds the first token back until two comments have arrived.
        await ReadUntilAsync(body, seen, ": keep-alive\n\n: keep-alive\n\n");
        host.Gate.SetResult();
        seen.Append(await new StreamReader(body).ReadToEndAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var blocks = seen.ToString().Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(blocks, b => Assert.True(b == ": keep-alive" || b.StartsWith("data: ", StringComparison.Ordinal), b));
        var data = blocks.Where(b => b.StartsWith("data: ", StringComparison.Ordinal)).ToList();
        Assert.Equal("data: [DONE]", data[^1]);
        // Every token event arrives, in order, around the comments.
        Assert.Equal("abc", string.Concat(data.SkipLast(1).Select(d => Text(d[6..]))));
    }

    [Fact]
    public async Task SendsNoComment_WhenKeepAliveIsOff()
    {
        var host = new FakeModelHost { TokenDelay = TimeSpan.FromMilliseconds(100) };
        await using var server = await TestServer.StartAsync(host, options: new ServerOptions { KeepAliveInterval = TimeSpan.Zero });

        var response = await server.Client.SendAsync(Api.Post("/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": 3, "stream": true}"""));
        var events = Api.SseData(await response.Content.ReadAsStringAsync());

        Assert.Equal(4, events.Count);
    }

    private static string Text(string json)
    {
        var choice = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("choices")[0];
        return choice.TryGetProperty("text", out var text) ? text.GetString()!
            : choice.GetProperty("delta").TryGetProperty("content", out var content) ? content.GetString() ?? "" : "";
    }
}

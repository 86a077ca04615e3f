using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

public sealed class ChatEndpointsTests
{
    private static ChatClient Client(TestServer server, string model = "tiny") =>
        new(model, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1") });

    [Fact]
    public async Task CompletesChat_ThroughOpenAiClient()
    {
        await using var server = await TestServer.StartAsync();

        ChatCompletion completion = await Client(server).CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 4 });

        // Fake engine, seed 0, choice 0: letters a, b, c, d.
        Assert.Equal("abcd", completion.Content[0].Text);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.Equal("tiny", completion.Model);
        // The fake renders one token per byte of its template text.
        Assert.Equal("<|system|>Be brief.\n<|user|>Hi\n<|assistant|>".Length, completion.Usage.InputTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task StreamsChat_ThroughOpenAiClient_WithUsage()
    {
        await using var server = await TestServer.StartAsync();

        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Client(server).CompleteChatStreamingAsync(
            [new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 3 }))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("abc", text.ToString());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.NotNull(usage);
        Assert.Equal(3, usage.OutputTokenCount);
    }

    [Fact]
    public async Task StreamsRoleChunkFirst_ThenContent_ThenFinish_ThenDone()
    {
        await using var server = await TestServer.StartAsync();

        var response = await server.Client.SendAsync(Api.Post("/v1/chat/completions",
            """{"model": "tiny", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 2, "stream": true}"""));
        var events = Api.SseData(await response.Content.ReadAsStringAsync());

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0]).ToList();
        Assert.Equal("assistant", chunks[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("", chunks[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.False(chunks[1].GetProperty("delta").TryGetProperty("role", out _));
        Assert.Equal("ab", string.Concat(chunks.Skip(1).Select(c => c.GetProperty("delta").GetProperty("content").GetString())));
        Assert.Equal("length", chunks[^1].GetProperty("finish_reason").GetString());
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("finish_reason").ValueKind));
    }

    [Fact]
    public async Task UsesRestOfContextAsDefaultMaxTokens()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
            """{"model": "tiny", "messages": [{"role": "user", "content": "Hi"}]}""");

        // Prompt "<|user|>Hi\n<|assistant|>" = 24 tokens; context 64 → 40 completion tokens.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(40, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task JoinsTextParts_AndMapsDeveloperToSystem()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/tokenize",
            """{"model": "tiny", "messages": [{"role": "developer", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}], "add_generation_prompt": false}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("<|system|>a\nb\n".Length, body.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task ContinuesFinalMessage_WithItsContentPrepended()
    {
        await using var server = await TestServer.StartAsync();

        var (_, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
            """{"model": "tiny", "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Sure: "}], "add_generation_prompt": false, "continue_final_message": true, "max_tokens": 2}""");

        var message = body.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("Sure: ab", message.GetProperty("content").GetString());
    }

    [Fact]
    public async Task ReturnsChatLogprobs_WithExactlyTopLogprobsAlternatives()
    {
        await using var server = await TestServer.StartAsync();

        var (_, body, _) = await Api.PostAsync(server.Client, "/v1/chat/completions",
            """{"model": "tiny", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1, "logprobs": true, "top_logprobs": 3}""");

        var entry = body.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content")[0];
        Assert.Equal("a", entry.GetProperty("token").GetString());
        Assert.Equal(-0.5f, entry.GetProperty("logprob").GetSingle());
        Assert.Equal([97], entry.GetProperty("bytes").EnumerateArray().Select(b => b.GetInt32()));
        Assert.Equal(["a", "b", "c"], entry.GetProperty("top_logprobs").EnumerateArray().Select(t => t.GetProperty("token").GetString()));
    }
}

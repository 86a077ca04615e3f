using System.Net;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

public sealed class TokenizeEndpointsTests
{
    [Fact]
    public async Task CountsPromptTokens_WithSpecialTokensByDefault()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/tokenize", """{"model": "tiny", "prompt": "Hey", "return_token_strs": true}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(4, body.GetProperty("count").GetInt32());
        Assert.Equal(64, body.GetProperty("max_model_len").GetInt32());
        Assert.Equal([FakeModelHost.Bos, 72, 101, 121], body.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
        Assert.Equal(["<s>", "H", "e", "y"], body.GetProperty("token_strs").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task UsesDefaultModel_WhenModelAbsent_OnAlias()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/tokenize", """{"prompt": "ab", "add_special_tokens": false}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task CountsRenderedChatTemplate_IncludingGenerationPrompt()
    {
        await using var server = await TestServer.StartAsync();

        var (_, body, _) = await Api.PostAsync(server.Client, "/v1/tokenize", """{"model": "tiny", "messages": [{"role": "user", "content": "Hi"}]}""");

        Assert.Equal("<|user|>Hi\n<|assistant|>".Length, body.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task DetokenizesIds()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/v1/detokenize", """{"model": "tiny", "tokens": [72, 105]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Hi", body.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task ReturnsBadRequest_WhenDetokenizeIdOutsideVocab()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body, _) = await Api.PostAsync(server.Client, "/detokenize", """{"tokens": [72, 258]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Api.AssertError(body, 400, "BadRequestError", "tokens");
    }
}

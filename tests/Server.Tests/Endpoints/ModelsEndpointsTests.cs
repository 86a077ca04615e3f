using System.ClientModel;
using OpenAI;
using OpenAI.Models;
using Server.Tests.Fakes;

namespace Server.Tests.Endpoints;

public sealed class ModelsEndpointsTests
{
    [Fact]
    public async Task ListsEveryServedModel_ThroughOpenAiClient()
    {
        await using var server = await TestServer.StartAsync();
        var client = new OpenAIModelClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1") });

        var models = (await client.GetModelsAsync()).Value;

        Assert.Equal(["tiny", "tiny-lora", "no-template"], models.Select(m => m.Id));
        Assert.All(models, m => Assert.Equal("engine", m.OwnedBy));
    }

    [Fact]
    public async Task CardCarriesMaxModelLenAndLoraParent()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body) = await Api.GetAsync(server.Client, "/v1/models");

        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Equal("list", body.GetProperty("object").GetString());
        var lora = body.GetProperty("data")[1];
        Assert.Equal("tiny", lora.GetProperty("parent").GetString());
        Assert.Equal(64, lora.GetProperty("max_model_len").GetInt32());
        Assert.Equal("model_permission", lora.GetProperty("permission")[0].GetProperty("object").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("data")[0].GetProperty("parent").ValueKind);
    }

    [Fact]
    public async Task ReturnsNotFound_WhenRetrievingUnknownModel()
    {
        await using var server = await TestServer.StartAsync();

        var (status, body) = await Api.GetAsync(server.Client, "/v1/models/nope");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, status);
        var error = Api.AssertError(body, 404, "NotFoundError", "model");
        Assert.Equal("The model `nope` does not exist.", error.GetProperty("message").GetString());
    }
}

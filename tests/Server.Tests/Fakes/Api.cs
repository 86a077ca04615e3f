using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Server.Tests.Fakes;

/// <summary>Raw HTTP helpers: post JSON text, read the JSON answer or the SSE events.</summary>
public static class Api
{
    public static HttpRequestMessage Post(string path, string json, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(
        HttpClient client, string path, string json, string? key = null)
    {
        var response = await client.SendAsync(Post(path, json, key));
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The data payloads of an SSE body, in order, [DONE] included as the raw string.</summary>
    public static List<string> SseData(string body)
    {
        var events = new List<string>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.StartsWith("data: ", block);
            events.Add(block["data: ".Length..]);
        }
        return events;
    }

    /// <summary>Asserts the §4.1 error shape (nested and flat copies agree) and returns the nested object.</summary>
    public static JsonElement AssertError(JsonElement body, int status, string type, string? param)
    {
        var error = body.GetProperty("error");
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("error", body.GetProperty("object").GetString());
        Assert.Equal(error.GetProperty("message").GetString(), body.GetProperty("message").GetString());
        Assert.Equal(status, body.GetProperty("code").GetInt32());
        return error;
    }
}

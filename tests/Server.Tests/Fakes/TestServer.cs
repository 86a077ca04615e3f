using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Server.Hosting;
using Server.Keys;

namespace Server.Tests.Fakes;

/// <summary>A real Kestrel on 127.0.0.1 with a free port, serving <see cref="FakeModelHost"/>.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, FakeModelHost host)
    {
        _app = app;
        Host = host;
        BaseAddress = ServerApp.BoundAddress(app);
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public FakeModelHost Host { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static async Task<TestServer> StartAsync(
        FakeModelHost? host = null, IKeyStore? keys = null, TimeProvider? time = null, ServerOptions? options = null, Random? random = null)
    {
        host ??= new FakeModelHost();
        var app = ServerApp.Build((options ?? new ServerOptions()) with { Host = "127.0.0.1", Port = 0 }, host, keys, time, random,
            logging => logging.ClearProviders());
        await app.StartAsync();
        return new TestServer(app, host);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Server.Generation;
using Server.Hosting;
using Server.Keys;
using Server.Limits;

namespace Server.Tests.Fakes;

/// <summary>A real Kestrel on 127.0.0.1 with a free port, serving <see cref="FakeModelHost"/>.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, IModelHost host)
    {
        _app = app;
        _host = host;
        BaseAddress = ServerApp.BoundAddress(app);
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    private readonly IModelHost _host;

    public FakeModelHost Host => (FakeModelHost)_host;

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static async Task<TestServer> StartAsync(
        IModelHost? host = null, IKeyStore? keys = null, TimeProvider? time = null, ServerOptions? options = null, Random? random = null,
        IAccountLimiter? limiter = null)
    {
        host ??= new FakeModelHost();
        var app = ServerApp.Build((options ?? new ServerOptions()) with { Host = "127.0.0.1", Port = 0 }, host, keys, time, random,
            logging => logging.ClearProviders(), limiter);
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

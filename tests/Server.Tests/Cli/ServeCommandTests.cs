using Server.Cli;

namespace Server.Tests.Cli;

public sealed class ServeCommandTests
{
    [Fact]
    public void ParsesNameEqualsDirModelSpecs()
    {
        var models = ServeCommand.ParseModels(["llama=/models/llama", "lora=/m/a=b"]);

        Assert.Equal("/models/llama", models["llama"]);
        Assert.Equal("/m/a=b", models["lora"]);
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("=dir")]
    [InlineData("name=")]
    public void Throws_WhenModelSpecMalformed(string spec) =>
        Assert.Throws<FormatException>(() => ServeCommand.ParseModels([spec]));

    [Fact]
    public void Throws_WhenModelNameRepeated() =>
        Assert.Throws<FormatException>(() => ServeCommand.ParseModels(["a=/x", "a=/y"]));

    [Theory]
    [InlineData("-1")]
    [InlineData("NaN")]
    public void Exits2_BeforeLoadingAnything_WhenTheKeepAliveIntervalIsInvalid(string seconds)
    {
        var root = new System.CommandLine.RootCommand { ServeCommand.Create() };

        Assert.Equal(2, root.Parse(["serve", "--sse-keep-alive", seconds, "--port", "0"]).Invoke());
    }

    [Theory]
    [InlineData("--slot-lease", "0", 2)]
    [InlineData("--slot-lease", "NaN", 2)]
    [InlineData("--keys-db", "postgres://u@h/db?no_such_parameter=1", 2)]
    [InlineData("--limits-redis", "redis://", 2)]
    public void ExitsBeforeLoadingAnything_WhenAStoreOptionIsInvalid(string option, string value, int exitCode)
    {
        var root = new System.CommandLine.RootCommand { ServeCommand.Create() };

        Assert.Equal(exitCode, root.Parse(["serve", option, value, "--port", "0"]).Invoke());
    }

    [Fact]
    public void Exits1_WhenThePostgresKeyDatabaseIsUnreachable()
    {
        var root = new System.CommandLine.RootCommand { ServeCommand.Create() };
        var port = Server.Tests.Replicas.StoreServers.FreePort();

        Assert.Equal(1, root.Parse(["serve", "--keys-db", $"postgres://engine@127.0.0.1:{port}/keys", "--port", "0"]).Invoke());
    }

    [Theory]
    [InlineData("--max-n")]
    [InlineData("--max-prompts")]
    [InlineData("--max-seqs-per-request")]
    [InlineData("--max-queued-seqs")]
    [InlineData("--max-guided-chars")]
    [InlineData("--max-connections")]
    [InlineData("--idle-timeout")]
    public void Exits2_BeforeLoadingAnything_WhenAWorkLimitIsNotPositive(string flag)
    {
        var root = new System.CommandLine.RootCommand { ServeCommand.Create() };

        Assert.Equal(2, root.Parse(["serve", flag, "0", "--port", "0"]).Invoke());
    }
}

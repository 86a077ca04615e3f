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

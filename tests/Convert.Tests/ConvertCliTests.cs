using ConvertTool.Cli;

namespace ConvertTool.Tests;

public sealed class ConvertCliTests
{
    [Fact]
    public void Llama2cCommand_WritesDirectory_AndReturnsZero()
    {
        using var dir = new TempDirectory();

        var exit = ConvertCli.Build().Parse(["llama2c", "--checkpoint", Aidreams.Model, "--tokenizer", Aidreams.Tokenizer, "--out", dir.Path, "--dtype", "bf16"]).Invoke();

        Assert.Equal(0, exit);
        Assert.True(File.Exists(dir.File("model.safetensors")));
        Assert.Contains("\"bfloat16\"", File.ReadAllText(dir.File("config.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Commands_ReturnOne_OnBadInput()
    {
        using var dir = new TempDirectory();
        var truncated = dir.File("model.bin");
        File.WriteAllBytes(truncated, File.ReadAllBytes(Aidreams.Model)[..1000]);

        Assert.Equal(1, ConvertCli.Build().Parse(["llama2c", "--checkpoint", truncated, "--tokenizer", Aidreams.Tokenizer, "--out", dir.File("o")]).Invoke());
        Assert.Equal(1, ConvertCli.Build().Parse(["llama2c", "--checkpoint", Aidreams.Model, "--tokenizer", Aidreams.Tokenizer, "--out", dir.File("o"), "--dtype", "int8"]).Invoke());
        Assert.Equal(1, ConvertCli.Build().Parse(["inspect", dir.File("missing")]).Invoke());
        Assert.Equal(1, ConvertCli.Build().Parse(["dtype", "--in", dir.File("missing"), "--out", dir.File("o2"), "--dtype", "f16"]).Invoke());
    }

    [Fact]
    public void InspectAndDtypeCommands_RunOnConvertedDirectory()
    {
        using var dir = new TempDirectory();
        var hf = dir.File("hf");
        Assert.Equal(0, ConvertCli.Build().Parse(["llama2c", "--checkpoint", Aidreams.Model, "--tokenizer", Aidreams.Tokenizer, "--out", hf]).Invoke());

        Assert.Equal(0, ConvertCli.Build().Parse(["inspect", hf]).Invoke());
        Assert.Equal(0, ConvertCli.Build().Parse(["dtype", "--in", hf, "--out", dir.File("f16"), "--dtype", "f16"]).Invoke());
        Assert.Contains("\"float16\"", File.ReadAllText(Path.Combine(dir.File("f16"), "config.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DtypeCommands_RunConcurrently_WithoutFightingOverTheConsole()
    {
        // Two conversions at once (parallel test classes did this in CI) once failed: each took Spectre's exclusive
        // live-display lock and the second threw, so its command exited 1.
        using var dir = new TempDirectory();
        var hf = dir.File("hf");
        Assert.Equal(0, ConvertCli.Build().Parse(["llama2c", "--checkpoint", Aidreams.Model, "--tokenizer", Aidreams.Tokenizer, "--out", hf]).Invoke());

        var exits = Enumerable.Range(0, 4)
            .Select(i => Task.Run(() => ConvertCli.Build().Parse(["dtype", "--in", hf, "--out", dir.File($"f16-{i}"), "--dtype", "f16"]).Invoke()))
            .ToArray();

        Assert.All(await Task.WhenAll(exits), exit => Assert.Equal(0, exit));
    }
}

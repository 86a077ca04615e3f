using System.CommandLine;
using System.Reflection;

namespace Server.Cli;

/// <summary><c>engine version</c>: prints the build's informational version.</summary>
public static class VersionCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON object instead of plain text." };
        var command = new Command("version", "Print the engine's version.") { json };
        command.SetAction(parse =>
        {
            var version = typeof(VersionCommand).Assembly
                .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            Console.WriteLine(parse.GetValue(json) ? $"{{\"version\":\"{version}\"}}" : version);
            return 0;
        });
        return command;
    }
}

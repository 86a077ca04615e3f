using System.CommandLine;
using System.Globalization;
using Engine.ChatTemplates;

namespace Server.Cli;

/// <summary>
/// <c>engine chat-template --tokenizer DIR --input cases.jsonl</c>: renders each chat case with the folder's chat
/// template and prints one <c>{"rendered": ...}</c> line per case (feeding a fixture file reproduces its
/// <c>rendered</c> fields).
/// </summary>
public static class ChatTemplateCommand
{
    public static Command Create()
    {
        var tokenizer = new Option<DirectoryInfo>("--tokenizer") { Description = "Folder holding tokenizer_config.json (and optionally chat_template.jinja).", Required = true };
        var input = new Option<string>("--input") { Description = "JSON lines file (or - for stdin), each line with messages, add_generation_prompt and extra variables.", Required = true };
        var template = new Option<string?>("--template") { Description = "Template name from the config (e.g. tool_use) or a path to a .jinja file." };
        var now = new Option<string?>("--now") { Description = "Fixed time for strftime_now, ISO 8601 (e.g. 2024-07-26); default: the current local time." };
        var command = new Command("chat-template", "Render chat cases with a tokenizer's Jinja chat template.") { tokenizer, input, template, now };
        command.SetAction(parse =>
        {
            try
            {
                return Run(parse.GetValue(tokenizer)!.FullName, parse.GetValue(input)!, parse.GetValue(template), parse.GetValue(now));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ChatTemplateException or Loader.Tokenizers.TokenizerFormatException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static int Run(string tokenizerDir, string input, string? template, string? now)
    {
        var clock = now is not null
            ? new FixedTimeProvider(DateTimeOffset.Parse(now, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
            : TimeProvider.System;
        var renderer = ChatTemplateRenderer.FromDirectory(tokenizerDir, clock: clock);
        if (template is not null && File.Exists(template))
        {
            template = File.ReadAllText(template);
        }
        using var reader = input == "-" ? Console.In : new StreamReader(input);
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Trim().Length > 0)
            {
                Console.Out.WriteLine(ChatCaseLine.Render(renderer, line, template));
            }
        }
        return 0;
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}

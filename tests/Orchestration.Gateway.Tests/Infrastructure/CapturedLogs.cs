using System.Collections.Concurrent;

namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>Every log entry the host wrote, with its message, the values of its template, its scopes and any exception.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    readonly ConcurrentQueue<string> _entries = new();
    IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Entries => [.. _entries];

    /// <summary>All entries as one text, for "does this string appear anywhere" checks.</summary>
    public string Text => string.Join(Environment.NewLine, _entries);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logs._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var parts = new List<string> { $"{logLevel} {category}: {formatter(state, exception)}" };
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                parts.AddRange(values.Select(v => $"{v.Key}={v.Value}"));
            logs._scopes.ForEachScope((scope, list) => list.Add($"scope={scope}"), parts);
            if (exception is not null)
                parts.Add(exception.ToString());
            logs._entries.Enqueue(string.Join(" | ", parts));
        }
    }
}

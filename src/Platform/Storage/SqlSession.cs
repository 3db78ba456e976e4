using System.Data.Common;

namespace Orchestration.Platform.Storage;

/// <summary>
/// The connection and transaction of one unit of work (one message, one HTTP request). Scoped, so the inbox,
/// the saga repository, the outbox and the caller's own SQL share one transaction and commit together.
/// </summary>
public sealed class SqlSession(SqlStorage storage) : IAsyncDisposable
{
    readonly List<DeferredWrite> _deferred = [];
    DbConnection? _connection;
    DbTransaction? _transaction;

    public SqlStorage Storage { get; } = storage;

    public bool InTransaction => _transaction is not null;

    /// <summary>
    /// True while a consumer that calls third parties runs (<c>InboxClaimPolicy.CallsThirdParties</c>): no transaction
    /// is open around it, so no lock is held while a provider answers. Its reads and claims run in short transactions
    /// of their own (<see cref="StepAsync{T}"/>); its other writes are deferred (<see cref="Defer"/>) to the
    /// transaction that then marks the message handled and stores what it sends.
    /// </summary>
    public bool OutsideTransaction { get; internal set; }

    /// <summary>
    /// Counts the transactions begun in this session, so state tied to one transaction (the bus outbox's open
    /// outbox row) is never carried into the next after a rollback or a failed commit.
    /// </summary>
    public long TransactionNumber { get; private set; }

    public DbConnection Connection => _connection ?? throw new InvalidOperationException("The SQL session has no open transaction: call BeginAsync first.");

    public DbTransaction Transaction => _transaction ?? throw new InvalidOperationException("The SQL session has no open transaction: call BeginAsync first.");

    /// <summary>Raised after a commit succeeded; the outbox uses it to wake its delivery.</summary>
    public event Action? Committed;

    public Task BeginAsync(CancellationToken cancellationToken) => BeginAsync(readOnly: false, cancellationToken);

    /// <summary>
    /// Begins a transaction for reads only: on SQLite it takes no write lock, so a request that only reads never waits
    /// for (or holds up) a handler that writes.
    /// </summary>
    public Task BeginReadAsync(CancellationToken cancellationToken) => BeginAsync(readOnly: true, cancellationToken);

    async Task BeginAsync(bool readOnly, CancellationToken cancellationToken)
    {
        if (_transaction is not null)
            throw new InvalidOperationException("The SQL session already has an open transaction.");

        // A connection broken by an outage stays broken: open a new one for the next unit of work.
        if (_connection is { State: not System.Data.ConnectionState.Open })
        {
            await _connection.DisposeAsync();
            _connection = null;
        }

        _connection ??= await Storage.OpenConnectionAsync(cancellationToken);
        _transaction = readOnly
            ? await Storage.Dialect.BeginReadTransactionAsync(_connection, cancellationToken)
            : await _connection.BeginTransactionAsync(cancellationToken);
        TransactionNumber++;
    }

    /// <summary>
    /// A write whose result nothing later in the transaction reads (a saga update, an outgoing message, the inbox
    /// mark). Deferred writes go to the server together, in the order they were added, in one round trip just before
    /// the commit; <paramref name="check"/> sees the rows each one affected and may throw to roll everything back.
    /// </summary>
    public DeferredWrite Defer(string sql, Action<int>? check = null, bool first = false)
    {
        if (!OutsideTransaction)
            _ = Transaction;
        var write = new DeferredWrite(sql, check);
        if (first)
            _deferred.Insert(0, write);
        else
            _deferred.Add(write);
        return write;
    }

    /// <summary>Sends the deferred writes now (the commit does this itself).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_deferred.Count == 0)
            return;

        var writes = _deferred.ToArray();
        _deferred.Clear();
        var affected = new int[writes.Length];
        if (Connection.CanCreateBatch)
        {
            await using var batch = Connection.CreateBatch();
            batch.Transaction = Transaction;
            foreach (var write in writes)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = write.Sql;
                foreach (var (name, value) in write.Parameters)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.Value = value ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            for (var i = 0; i < writes.Length; i++)
                affected[i] = batch.BatchCommands[i].RecordsAffected;
        }
        else
        {
            // SQLite runs in-process: a round trip costs nothing, so the writes simply run one by one.
            for (var i = 0; i < writes.Length; i++)
            {
                await using var command = CreateCommand(writes[i].Sql);
                foreach (var (name, value) in writes[i].Parameters)
                    command.With(name, value);
                affected[i] = await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        for (var i = 0; i < writes.Length; i++)
            writes[i].Check?.Invoke(affected[i]);
    }

    /// <summary>
    /// Runs one step of a consumer that calls third parties (see <see cref="OutsideTransaction"/>) in a short
    /// transaction of its own, committed before the step returns: a read, or a claim that a concurrent copy or a
    /// competing command must see while the provider call is under way.
    /// </summary>
    public Task<T> StepAsync<T>(Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken) =>
        StepAsync(step, readOnly: false, cancellationToken);

    /// <summary>
    /// A step (see <see cref="StepAsync{T}"/>) that only reads: on SQLite it takes no write lock, so it neither waits for
    /// the handlers that write nor holds them up.
    /// </summary>
    public Task<T> ReadStepAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        StepAsync(read, readOnly: true, cancellationToken);

    async Task<T> StepAsync<T>(Func<CancellationToken, Task<T>> step, bool readOnly, CancellationToken cancellationToken)
    {
        // Its commit would write them early, before the provider call they record has been made.
        if (_deferred.Count > 0)
            throw new InvalidOperationException("A step runs before any write is deferred: take every step before the provider call.");

        await BeginAsync(readOnly, cancellationToken);
        try
        {
            var result = await step(cancellationToken);
            await CommitAsync(cancellationToken);
            return result;
        }
        catch
        {
            await RollbackAsync();
            throw;
        }
    }

    /// <inheritdoc cref="StepAsync{T}"/>
    public Task StepAsync(Func<CancellationToken, Task> step, CancellationToken cancellationToken) =>
        StepAsync(async ct =>
        {
            await step(ct);
            return true;
        }, cancellationToken);

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        var transaction = Transaction;
        _transaction = null;
        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await transaction.DisposeAsync();
        }

        Committed?.Invoke();
    }

    public async Task RollbackAsync()
    {
        _deferred.Clear();
        if (_transaction is not { } transaction)
            return;

        _transaction = null;
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (Exception) when (_connection?.State != System.Data.ConnectionState.Open)
        {
            // The connection broke (which is often why we roll back); the server discards the transaction itself.
        }
        finally
        {
            await transaction.DisposeAsync();
        }
    }

    public DbCommand CreateCommand(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await RollbackAsync();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}

/// <summary>A write queued with <see cref="SqlSession.Defer"/>.</summary>
public sealed class DeferredWrite(string sql, Action<int>? check)
{
    readonly List<(string Name, object? Value)> _parameters = [];

    public string Sql { get; } = sql;

    public Action<int>? Check { get; } = check;

    public IReadOnlyList<(string Name, object? Value)> Parameters => _parameters;

    public DeferredWrite With(string name, object? value)
    {
        _parameters.Add((name, value));
        return this;
    }
}

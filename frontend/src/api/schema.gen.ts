// Generated from the app's OpenAPI schema by `npm run gen:api` (openapi-typescript). Do not edit:
// change the API in app/ and regenerate; `npm run check:api` (in `make test`) fails when this is stale.
export interface paths {
    "/api/analytics/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Analytics Export */
        get: operations["analytics_export_api_analytics_export_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/analytics/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Analytics History */
        get: operations["analytics_history_api_analytics_history_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record Play Event */
        post: operations["record_play_event_api_audit_events_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Login
         * @description 401 alike for an unknown name, a wrong password and a deactivated account.
         */
        post: operations["login_api_auth_login_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Logout
         * @description Revokes the presented token's session: its access and refresh tokens stop working.
         */
        post: operations["logout_api_auth_logout_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Me */
        get: operations["me_api_auth_me_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change Password
         * @description Every session of the user, this one included, is revoked: sign in again.
         */
        post: operations["change_password_api_auth_password_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refresh
         * @description A new access token and a new refresh token; the presented one is spent. Presenting a
         *     spent refresh token again means someone kept a copy: the whole session is revoked.
         */
        post: operations["refresh_api_auth_refresh_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["liveness_api_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health/deployments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Deployments
         * @description The host's last deploys, rollbacks and failures (data/deployments.jsonl), newest first.
         */
        get: operations["deployments_api_health_deployments_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health/detail": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Detail
         * @description Readiness with the figures behind it, for the System screen (any signed-in user).
         */
        get: operations["detail_api_health_detail_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Ready */
        get: operations["ready_api_health_ready_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/kill-switch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Kill Switch */
        get: operations["get_kill_switch_api_kill_switch_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/kill-switch/rearm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rearm Kill Switch */
        post: operations["rearm_kill_switch_api_kill_switch_rearm_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/kill-switch/trip": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Trip Kill Switch
         * @description Panic-closes every session; live positions are bought back on Delta by the engine,
         *     which this wakes.
         */
        post: operations["trip_kill_switch_api_kill_switch_trip_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Logs */
        get: operations["list_logs_api_logs_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/logs/{log_id}/context": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Context */
        get: operations["context_api_logs__log_id__context_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/logs/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ingest Batch */
        post: operations["ingest_batch_api_logs_batch_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/logs/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download Logs */
        get: operations["download_logs_api_logs_download_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/logs/facets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Facets
         * @description Rows per level and per event (the 200 most frequent) over [start, end), added up from
         *     the stored per-hour and per-minute counts.
         */
        get: operations["facets_api_logs_facets_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/logs/histogram": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Histogram
         * @description Rows per time bucket and level over [start, end) (end: now; start: the oldest row), for
         *     every other filter too; at most 120 buckets of a round width.
         */
        get: operations["histogram_api_logs_histogram_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ops/engine/hand-off": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Hand Off Engine
         * @description Finish the tick in progress, release the engine lock, never take it again here.
         */
        post: operations["hand_off_engine_api_ops_engine_hand_off_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ops/trading-state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Trading State */
        get: operations["get_trading_state_api_ops_trading_state_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Sessions */
        get: operations["list_sessions_api_sessions_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Session
         * @description The session with the strategy configuration it runs with.
         */
        get: operations["get_session_api_sessions__session_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}/{action}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Control Session
         * @description pause (no new entries), resume, stop (close at market, end), panic (close at market
         *     now, end as panic_closed). A live session's close is done by the engine on Delta; the
         *     answer waits a few seconds for it, then is 202 if it is still under way.
         */
        post: operations["control_session_api_sessions__session_id___action__post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Session Events
         * @description The session's timeline, newest first.
         */
        get: operations["session_events_api_sessions__session_id__events_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}/fills": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Session Fills
         * @description The session's fills, newest first.
         */
        get: operations["session_fills_api_sessions__session_id__fills_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}/pnl": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Session Pnl
         * @description PnL over time in USD: 0 at the start, realised after each closed trade, and while the
         *     session runs, realised plus unrealised now.
         */
        get: operations["session_pnl_api_sessions__session_id__pnl_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/strategies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Strategies */
        get: operations["list_strategies_api_strategies_get"];
        put?: never;
        /** Create Strategy */
        post: operations["create_strategy_api_strategies_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/strategies/{strategy_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Strategy */
        get: operations["get_strategy_api_strategies__strategy_id__get"];
        /** Replace Strategy */
        put: operations["replace_strategy_api_strategies__strategy_id__put"];
        post?: never;
        /** Delete Strategy */
        delete: operations["delete_strategy_api_strategies__strategy_id__delete"];
        options?: never;
        head?: never;
        /**
         * Update Strategy
         * @description Change some fields; the merged configuration is validated as a whole.
         */
        patch: operations["update_strategy_api_strategies__strategy_id__patch"];
        trace?: never;
    };
    "/api/strategies/{strategy_id}/backtest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Backtest Strategy
         * @description Read-only, so viewers may run it too.
         */
        post: operations["backtest_strategy_api_strategies__strategy_id__backtest_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/strategies/{strategy_id}/backtest/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Export Backtest
         * @description The same backtest as CSV (same body, same seed, same trades).
         */
        post: operations["export_backtest_api_strategies__strategy_id__backtest_export_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/strategies/{strategy_id}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create Session */
        post: operations["create_session_api_strategies__strategy_id__sessions_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Users */
        get: operations["get_users_api_users_get"];
        put?: never;
        /** Add User */
        post: operations["add_user_api_users_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{username}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update User
         * @description 409 rather than demote or deactivate the last active admin, or deactivate oneself.
         *     Deactivation revokes every session of the user (their sockets close within one update
         *     interval).
         */
        patch: operations["update_user_api_users__username__patch"];
        trace?: never;
    };
    "/api/users/{username}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reset Password
         * @description Sets the user's password and revokes all their sessions.
         */
        post: operations["reset_password_api_users__username__password_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{username}/revoke-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke Sessions */
        post: operations["revoke_sessions_api_users__username__revoke_sessions_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Metrics */
        get: operations["metrics_metrics_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** AnalyticsHistory */
        AnalyticsHistory: {
            filters: components["schemas"]["AppliedFilters"];
            metrics: components["schemas"]["HistoryMetrics"];
            series: components["schemas"]["HistorySeries"];
            timeline: components["schemas"]["TimelinePage"];
        };
        /** AppliedFilters */
        AppliedFilters: {
            /**
             * End
             * Format: date-time
             */
            end: string;
            /**
             * Preset
             * @enum {string}
             */
            preset: "today" | "7d" | "30d" | "90d" | "ytd" | "all";
            /**
             * Start
             * Format: date-time
             */
            start: string;
            /** Strategy Id */
            strategy_id: number | null;
        };
        /** AuditEventIn */
        AuditEventIn: {
            /**
             * Action
             * @enum {string}
             */
            action: "deploy" | "rollback" | "rollback_failed" | "restore" | "secrets.rotate" | "backup" | "deploy_lock.release";
            /**
             * Actor
             * @description who ran the play
             */
            actor: string;
            /** Details */
            details?: {
                [key: string]: string | number | boolean | null;
            };
            /**
             * Outcome
             * @default success
             * @enum {string}
             */
            outcome: "success" | "failure" | "refused";
            /**
             * Target
             * @example release:abc123
             */
            target?: string | null;
        };
        /** AuditRecorded */
        AuditRecorded: {
            /** Recorded */
            recorded: boolean;
        };
        /** BacktestRequest */
        BacktestRequest: {
            /**
             * Days
             * @description used when end is not given
             * @default 7
             */
            days: number;
            /**
             * End
             * @description exclusive; instead of days, at most 31 days after start
             */
            end?: string | null;
            /**
             * Seed
             * @default 0
             */
            seed: number;
            /**
             * Slippage Pct
             * @default 0.5
             */
            slippage_pct: number;
            /**
             * Start
             * Format: date-time
             */
            start: string;
            /**
             * Step Minutes
             * @default 5
             */
            step_minutes: number;
        };
        /** BacktestResponse */
        BacktestResponse: {
            /** Cumulative Pnl */
            cumulative_pnl: components["schemas"]["SeriesValue"][];
            /** Drawdown */
            drawdown: components["schemas"]["SeriesValue"][];
            /**
             * End
             * Format: date-time
             */
            end: string;
            /** Position Open At End */
            position_open_at_end: boolean;
            /**
             * Start
             * Format: date-time
             */
            start: string;
            statistics: components["schemas"]["BacktestStatistics"];
            /** Trades */
            trades: components["schemas"]["BacktestTrade"][];
        };
        /**
         * BacktestStatistics
         * @description TradeStatistics' figures and the backtest's own; undefined figures are null.
         */
        BacktestStatistics: {
            /** Average Loss */
            average_loss: number | null;
            /** Average Trade */
            average_trade: number | null;
            /** Average Win */
            average_win: number | null;
            /** Fees */
            fees: number;
            /** Gross Pnl */
            gross_pnl: number;
            /** Largest Loss */
            largest_loss: number | null;
            /** Largest Win */
            largest_win: number | null;
            /** Longest Loss Streak */
            longest_loss_streak: number;
            /** Longest Win Streak */
            longest_win_streak: number;
            /** Losses */
            losses: number;
            /** Max Drawdown */
            max_drawdown: number;
            /** Net Pnl */
            net_pnl: number;
            /** Profit Factor */
            profit_factor: number | null;
            /** Profitable Days */
            profitable_days: number;
            /** Sharpe Annualised */
            sharpe_annualised: number | null;
            /** Trade Count */
            trade_count: number;
            /** Trading Days */
            trading_days: number;
            /** Win Rate */
            win_rate: number | null;
            /** Wins */
            wins: number;
        };
        /** BacktestTrade */
        BacktestTrade: {
            /** Call Strike */
            call_strike: number;
            /**
             * Closed At
             * Format: date-time
             */
            closed_at: string;
            /**
             * Expiry
             * Format: date-time
             */
            expiry: string;
            /** Fees */
            fees: number;
            /** Gross Pnl */
            gross_pnl: number;
            /** Net Pnl */
            net_pnl: number;
            /**
             * Opened At
             * Format: date-time
             */
            opened_at: string;
            /** Premium Collected */
            premium_collected: number;
            /** Put Strike */
            put_strike: number;
            /**
             * Reason
             * @enum {string}
             */
            reason: "expiry" | "stop_loss" | "take_profit" | "trailing_stop" | "exit_time";
        };
        /** BackupFigures */
        BackupFigures: {
            /** Local Age Seconds */
            local_age_seconds: number | null;
            /** Offsite Age Seconds */
            offsite_age_seconds: number | null;
        };
        /** BatchRejected */
        BatchRejected: {
            /** Detail */
            detail: string | {
                [key: string]: unknown;
            } | unknown[];
        };
        /** BatchStored */
        BatchStored: {
            /** Stored */
            stored: number;
        };
        /** ContainerUsage */
        ContainerUsage: {
            /** Cpu Percent */
            cpu_percent: number | null;
            /** Cpu Seconds */
            cpu_seconds: number | null;
            /** Memory Bytes */
            memory_bytes: number | null;
            /** Memory Limit Bytes */
            memory_limit_bytes: number | null;
            /** Pids */
            pids: number | null;
            /** Tcp Connections */
            tcp_connections: number | null;
        };
        /**
         * DeltaBand
         * @description Sell the call and the put whose absolute delta lies in [low, high].
         */
        DeltaBand: {
            /** High */
            high: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "delta";
            /** Low */
            low: number;
        };
        /** DeploymentHistory */
        DeploymentHistory: {
            /** Records */
            records: components["schemas"]["DeploymentRecord"][];
            /** Unreadable Lines */
            unreadable_lines: number;
        };
        /** DeploymentRecord */
        DeploymentRecord: {
            /**
             * Detail
             * @default
             */
            detail: string;
            /** Duration Seconds */
            duration_seconds?: number | null;
            /**
             * From Sha
             * @default
             */
            from_sha: string;
            /**
             * Operator
             * @default
             */
            operator: string;
            /** Result */
            result: string;
            /** Rollout */
            rollout?: string | null;
            /** Time */
            time: string;
            /**
             * To Sha
             * @default
             */
            to_sha: string;
            /** Trading Gate */
            trading_gate?: {
                [key: string]: unknown;
            } | null;
        };
        /** DiskUsage */
        DiskUsage: {
            /** Free Bytes */
            free_bytes: number;
            /** Name */
            name: string;
            /** Path */
            path: string;
            /** Total Bytes */
            total_bytes: number;
            /** Used Bytes */
            used_bytes: number;
        };
        /** EdgeCertificateFigures */
        EdgeCertificateFigures: {
            /** Address */
            address: string | null;
            /** Checked At */
            checked_at: string | null;
            /** Dns Names */
            dns_names: string[];
            /** Error */
            error: string | null;
            /** Expires In Seconds */
            expires_in_seconds: number | null;
            /** Issuer Cn */
            issuer_cn: string | null;
            /** Not After */
            not_after: string | null;
            /** Not Before */
            not_before: string | null;
            /** Probed */
            probed: boolean;
            /** Server Name */
            server_name: string | null;
            /** Subject Cn */
            subject_cn: string | null;
        };
        /** EngineFigures */
        EngineFigures: {
            /** Last Tick Age Seconds */
            last_tick_age_seconds: number | null;
            /** Last Tick At */
            last_tick_at: string | null;
            /** Owner */
            owner: boolean;
            /** Tick Seconds */
            tick_seconds: number;
        };
        /** EngineOut */
        EngineOut: {
            /** Last Tick At */
            last_tick_at: string | null;
            /** Owner */
            owner: boolean;
            /** Tick Seconds */
            tick_seconds: number;
        };
        /** EngineOwnership */
        EngineOwnership: {
            /** Last Tick At */
            last_tick_at: string | null;
            /** Owner */
            owner: boolean;
        };
        /** ErrorDetail */
        ErrorDetail: {
            /** Detail */
            detail: string;
        };
        /** EventPage */
        EventPage: {
            /** Items */
            items: components["schemas"]["SessionEvent"][];
            /** Page */
            page: number;
            /** Page Size */
            page_size: number;
            /** Total */
            total: number;
        };
        /** ExchangeFigures */
        ExchangeFigures: {
            /** Heartbeat Age Seconds */
            heartbeat_age_seconds: number | null;
            /** Heartbeat Armed */
            heartbeat_armed: boolean;
            /** Heartbeat Renewed At */
            heartbeat_renewed_at: string | null;
            /** Heartbeat Ttl Seconds */
            heartbeat_ttl_seconds: number;
            /** Last Error */
            last_error: string | null;
            /** Live Trading Enabled */
            live_trading_enabled: boolean;
            /** Reachable */
            reachable: boolean | null;
        };
        /** FacetCount */
        FacetCount: {
            /** Count */
            count: number;
            /** Value */
            value: string | null;
        };
        /** FillPage */
        FillPage: {
            /** Items */
            items: components["schemas"]["SessionFill"][];
            /** Page */
            page: number;
            /** Page Size */
            page_size: number;
            /** Total */
            total: number;
        };
        /** HandOffOut */
        HandOffOut: {
            /** Last Tick At */
            last_tick_at: string | null;
            /** Released */
            released: boolean;
        };
        /** HealthDetail */
        HealthDetail: {
            /** App Version */
            app_version: string;
            backups: components["schemas"]["BackupFigures"];
            /** Build Time */
            build_time: string;
            /** Checked At */
            checked_at: string;
            container: components["schemas"]["ContainerUsage"];
            /** Disks */
            disks: components["schemas"]["DiskUsage"][];
            edge_certificate: components["schemas"]["EdgeCertificateFigures"];
            edge_log_tail: components["schemas"]["LogTailFigures"] | null;
            engine: components["schemas"]["EngineFigures"];
            exchange: components["schemas"]["ExchangeFigures"];
            log_tail: components["schemas"]["LogTailFigures"];
            /** Migration */
            migration: string | null;
            process: components["schemas"]["ProcessUsage"];
            /** Reasons */
            reasons: string[];
            /** Status */
            status: string;
            /** Uptime Seconds */
            uptime_seconds: number;
            /** Version */
            version: string;
        };
        /**
         * HistoryMetrics
         * @description Figures that are undefined for the data (no trades, no losses...) are null.
         */
        HistoryMetrics: {
            /** Average Loss */
            average_loss: number | null;
            /** Average Win */
            average_win: number | null;
            /** Fees */
            fees: number;
            /** Gross Pnl */
            gross_pnl: number;
            /** Longest Loss Streak */
            longest_loss_streak: number;
            /** Longest Win Streak */
            longest_win_streak: number;
            /** Max Drawdown */
            max_drawdown: number;
            /** Net Pnl */
            net_pnl: number;
            /** Profit Factor */
            profit_factor: number | null;
            /** Profitable Days */
            profitable_days: number;
            /** Sharpe */
            sharpe: number | null;
            /** Trade Count */
            trade_count: number;
            /** Trading Days */
            trading_days: number;
            /** Win Rate */
            win_rate: number | null;
        };
        /** HistorySeries */
        HistorySeries: {
            /** Cumulative Pnl */
            cumulative_pnl: components["schemas"]["SeriesPoint"][];
            /** Drawdown */
            drawdown: components["schemas"]["SeriesPoint"][];
        };
        /** HTTPValidationError */
        HTTPValidationError: {
            /** Detail */
            detail?: components["schemas"]["ValidationError"][];
        };
        /** KillSwitchOut */
        KillSwitchOut: {
            /** Daily Loss Limit */
            daily_loss_limit: number;
            /** Day Pnl */
            day_pnl: number;
            /** Reason */
            reason: string | null;
            /** Tripped */
            tripped: boolean;
            /** Tripped At */
            tripped_at: string | null;
        };
        /** Liveness */
        Liveness: {
            /** Status */
            status: string;
        };
        /** LogContext */
        LogContext: {
            /** After */
            after: components["schemas"]["LogEntry"][];
            /** Before */
            before: components["schemas"]["LogEntry"][];
            entry: components["schemas"]["LogEntry"];
        };
        /** LogEntry */
        LogEntry: {
            /**
             * Actor
             * @description who: the audit actor or the signed-in browser user
             */
            actor: string | null;
            /** Correlation Id */
            correlation_id: string | null;
            /** Event */
            event: string | null;
            /** Id */
            id: number;
            /** Ingested At */
            ingested_at: string;
            /** Level */
            level: string | null;
            /** Logger */
            logger: string | null;
            /** Message */
            message: string | null;
            /** Parse Error */
            parse_error: boolean;
            /** Payload */
            payload: unknown;
            /** Source */
            source: string | null;
            /** Strategy Id */
            strategy_id: string | null;
            /** Truncated */
            truncated: boolean;
            /** Ts */
            ts: string | null;
        };
        /** LogFacets */
        LogFacets: {
            /** Events */
            events: components["schemas"]["FacetCount"][];
            /** Levels */
            levels: components["schemas"]["FacetCount"][];
        };
        /** LoginRequest */
        LoginRequest: {
            /** Password */
            password: string;
            /** Username */
            username: string;
        };
        /** LoginResponse */
        LoginResponse: {
            /** Access Token */
            access_token: string;
            /**
             * Expires At
             * @description unix seconds: the access token's expiry
             */
            expires_at: number;
            /**
             * Refresh Expires At
             * @description unix seconds: the auth session's absolute end
             */
            refresh_expires_at: number;
            /**
             * Refresh Token
             * @description single use: each refresh returns a new one
             */
            refresh_token: string;
            /**
             * Token Type
             * @default bearer
             */
            token_type: string;
        };
        /** LogPage */
        LogPage: {
            /** Items */
            items: components["schemas"]["LogEntry"][];
            /** Next Cursor */
            next_cursor: string | null;
        };
        /** LogTailFigures */
        LogTailFigures: {
            /** Lag Bytes */
            lag_bytes: number | null;
            /** Last Ingest At */
            last_ingest_at: string | null;
            /** Lines Total */
            lines_total: number | null;
            /** Owner */
            owner: boolean;
            /** Parse Errors Total */
            parse_errors_total: number | null;
            /** Reported At */
            reported_at: string | null;
            /** Wakes On Change */
            wakes_on_change: boolean | null;
        };
        /** Me */
        Me: {
            /**
             * Role
             * @enum {string}
             */
            role: "admin" | "viewer";
            /** Username */
            username: string;
        };
        /** PasswordChange */
        PasswordChange: {
            /** Current Password */
            current_password: string;
            /** New Password */
            new_password: string;
        };
        /** PasswordReset */
        PasswordReset: {
            /** New Password */
            new_password: string;
        };
        /**
         * PositionLeg
         * @description Prices are USD per coin of the underlying (Delta quotes options per coin); delta and
         *     implied volatility are the option's at its last mark (null once expired).
         */
        PositionLeg: {
            /** Delta */
            delta: number | null;
            /** Entry Delta */
            entry_delta: number;
            /** Entry Price */
            entry_price: number;
            /** Iv */
            iv: number | null;
            /** Mark Price */
            mark_price: number | null;
            /**
             * Option Type
             * @enum {string}
             */
            option_type: "call" | "put";
            /** Strike */
            strike: number;
        };
        /**
         * PremiumBand
         * @description Sell the call and the put whose mid price (USD per contract) lies in [low, high].
         */
        PremiumBand: {
            /** High */
            high: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "premium";
            /** Low */
            low: number;
        };
        /** ProcessUsage */
        ProcessUsage: {
            /** Cpu Percent */
            cpu_percent: number | null;
            /** Cpu Seconds */
            cpu_seconds: number;
            /** Memory Rss Bytes */
            memory_rss_bytes: number | null;
            /** Open Files */
            open_files: number | null;
            /** Open Sockets */
            open_sockets: number | null;
            /** Threads */
            threads: number;
        };
        /** Readiness */
        Readiness: {
            /** App Version */
            app_version: string;
            /** Build Time */
            build_time: string;
            /** Data Free Bytes */
            data_free_bytes: number;
            engine: components["schemas"]["EngineOwnership"];
            /** Log Pipeline Owner */
            log_pipeline_owner: boolean;
            /** Memory Rss Bytes */
            memory_rss_bytes: number | null;
            /** Migration */
            migration: string | null;
            /** Offsite Backup Age Seconds */
            offsite_backup_age_seconds: number | null;
            /** Reasons */
            reasons: string[];
            /** Status */
            status: string;
            /** Uptime Seconds */
            uptime_seconds: number;
            /** Version */
            version: string;
        };
        /** RefreshRequest */
        RefreshRequest: {
            /** Refresh Token */
            refresh_token: string;
        };
        /** Revoked */
        Revoked: {
            /** Revoked */
            revoked: number;
        };
        /** SeriesPoint */
        SeriesPoint: {
            /**
             * Time
             * Format: date-time
             */
            time: string;
            /** Value */
            value: number;
        };
        /** SeriesValue */
        SeriesValue: {
            /**
             * At
             * Format: date-time
             */
            at: string;
            /** Value */
            value: number;
        };
        /** SessionDetail */
        SessionDetail: {
            /** @description The strategy as it was when the session started */
            config: components["schemas"]["StrategyConfig"];
            /** Ended At */
            ended_at: string | null;
            /** Fees */
            fees: number;
            /** Id */
            id: number;
            /**
             * Mode
             * @enum {string}
             */
            mode: "paper" | "live";
            /**
             * Next Entry At
             * @description When a running session may next open a position (now when it may at its next tick); null when paused or ended
             */
            next_entry_at: string | null;
            /**
             * Next Exit At
             * @description When the open position must close by the clock, or, when flat, when the position of the next entry would
             */
            next_exit_at: string | null;
            position: components["schemas"]["SessionPosition"] | null;
            /** Realised Pnl */
            realised_pnl: number;
            /**
             * Spot
             * @description USD per coin at the session's last mark
             */
            spot: number | null;
            /**
             * Started At
             * Format: date-time
             */
            started_at: string;
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "paused" | "stopped" | "panic_closed" | "interrupted";
            /** Status Reason */
            status_reason: string | null;
            /** Strategy Id */
            strategy_id: number;
            /** Strategy Name */
            strategy_name: string;
            /** Trade Count */
            trade_count: number;
            /** Underlying */
            underlying: ("BTC" | "ETH") | null;
            /** Unrealised Pnl */
            unrealised_pnl: number;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /** SessionEvent */
        SessionEvent: {
            /** Details */
            details: {
                [key: string]: unknown;
            };
            /** Event */
            event: string;
            /** Id */
            id: number;
            /** Message */
            message: string;
            /** Pnl */
            pnl: number | null;
            /** Session Id */
            session_id: number | null;
            /** Strategy Id */
            strategy_id: number | null;
            /**
             * Time
             * Format: date-time
             */
            time: string;
        };
        /**
         * SessionFill
         * @description `price` is USD per coin; `fee` is USD for the whole fill.
         */
        SessionFill: {
            /** Contracts */
            contracts: number;
            /** Fee */
            fee: number;
            /** Id */
            id: number;
            /**
             * Option Type
             * @enum {string}
             */
            option_type: "call" | "put";
            /** Price */
            price: number;
            /**
             * Side
             * @enum {string}
             */
            side: "buy" | "sell";
            /** Strike */
            strike: number;
            /**
             * Time
             * Format: date-time
             */
            time: string;
        };
        /** SessionOut */
        SessionOut: {
            /** Ended At */
            ended_at: string | null;
            /** Fees */
            fees: number;
            /** Id */
            id: number;
            /**
             * Mode
             * @enum {string}
             */
            mode: "paper" | "live";
            /**
             * Next Entry At
             * @description When a running session may next open a position (now when it may at its next tick); null when paused or ended
             */
            next_entry_at: string | null;
            /**
             * Next Exit At
             * @description When the open position must close by the clock, or, when flat, when the position of the next entry would
             */
            next_exit_at: string | null;
            position: components["schemas"]["SessionPosition"] | null;
            /** Realised Pnl */
            realised_pnl: number;
            /**
             * Spot
             * @description USD per coin at the session's last mark
             */
            spot: number | null;
            /**
             * Started At
             * Format: date-time
             */
            started_at: string;
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "paused" | "stopped" | "panic_closed" | "interrupted";
            /** Status Reason */
            status_reason: string | null;
            /** Strategy Id */
            strategy_id: number;
            /** Strategy Name */
            strategy_name: string;
            /** Trade Count */
            trade_count: number;
            /** Underlying */
            underlying: ("BTC" | "ETH") | null;
            /** Unrealised Pnl */
            unrealised_pnl: number;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /**
         * SessionPosition
         * @description `contract_size` is coins per contract; premium and PnL are USD for the whole position;
         *     `net_delta` is the short strangle's delta in coins.
         */
        SessionPosition: {
            /** Contract Size */
            contract_size: number;
            /** Contracts */
            contracts: number;
            /**
             * Exit Deadline
             * Format: date-time
             */
            exit_deadline: string;
            /**
             * Expiry
             * Format: date-time
             */
            expiry: string;
            /** Legs */
            legs: components["schemas"]["PositionLeg"][];
            /** Net Delta */
            net_delta: number | null;
            /**
             * Opened At
             * Format: date-time
             */
            opened_at: string;
            /** Premium Collected */
            premium_collected: number;
            /** Unrealised Pnl */
            unrealised_pnl: number;
        };
        /** SessionStateOut */
        SessionStateOut: {
            /** Id */
            id: number;
            /** In Entry Window */
            in_entry_window: boolean;
            /** In Exit Window */
            in_exit_window: boolean;
            /**
             * Mode
             * @enum {string}
             */
            mode: "paper" | "live";
            /** Next Entry At */
            next_entry_at: string | null;
            /** Next Exit At */
            next_exit_at: string | null;
            /** Open Position */
            open_position: boolean;
            /** State */
            state: string;
            /** Strategy */
            strategy: string;
        };
        /**
         * StartSession
         * @description `live` trades on Delta Exchange and needs LIVE_TRADING_ENABLED and the API key.
         */
        StartSession: {
            /**
             * Enter Now
             * @default false
             */
            enter_now: boolean;
            /**
             * Mode
             * @default paper
             * @enum {string}
             */
            mode: "paper" | "live";
        };
        /** StrategyConfig */
        StrategyConfig: {
            /**
             * Active
             * @default false
             */
            active: boolean;
            /**
             * Entry Time
             * Format: time
             */
            entry_time: string;
            /**
             * Exit Time
             * Format: time
             */
            exit_time: string;
            /** Expiry Rule */
            expiry_rule: ("nearest_daily" | "nearest_weekly") | string;
            /** Max Loss Pct */
            max_loss_pct: number;
            /** Max Profit Pct */
            max_profit_pct: number;
            /** Name */
            name: string;
            /**
             * Quantity
             * @description contracts per leg
             */
            quantity: number;
            /** Strike Selection */
            strike_selection: components["schemas"]["DeltaBand"] | components["schemas"]["PremiumBand"];
            /**
             * Timezone
             * @description IANA time zone of entry_time and exit_time
             */
            timezone: string;
            /** Trailing Stops */
            trailing_stops?: components["schemas"]["TrailingStopRule"][];
            /**
             * Underlying
             * @enum {string}
             */
            underlying: "BTC" | "ETH";
        };
        /** StrategyOut */
        StrategyOut: {
            /**
             * Active
             * @default false
             */
            active: boolean;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Entry Time
             * Format: time
             */
            entry_time: string;
            /**
             * Exit Time
             * Format: time
             */
            exit_time: string;
            /** Expiry Rule */
            expiry_rule: ("nearest_daily" | "nearest_weekly") | string;
            /** Id */
            id: number;
            /** Max Loss Pct */
            max_loss_pct: number;
            /** Max Profit Pct */
            max_profit_pct: number;
            /** Name */
            name: string;
            /**
             * Quantity
             * @description contracts per leg
             */
            quantity: number;
            /** Strike Selection */
            strike_selection: components["schemas"]["DeltaBand"] | components["schemas"]["PremiumBand"];
            /**
             * Timezone
             * @description IANA time zone of entry_time and exit_time
             */
            timezone: string;
            /** Trailing Stops */
            trailing_stops?: components["schemas"]["TrailingStopRule"][];
            /**
             * Underlying
             * @enum {string}
             */
            underlying: "BTC" | "ETH";
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /** SummaryOut */
        SummaryOut: {
            /** Next Entry At */
            next_entry_at: string | null;
            /** Next Exit At */
            next_exit_at: string | null;
            /** Open Positions */
            open_positions: number;
            /** Running Live */
            running_live: number;
            /** Running Paper */
            running_paper: number;
        };
        /** TimelineItem */
        TimelineItem: {
            /** Event */
            event: string;
            /** Id */
            id: number;
            /** Message */
            message: string;
            /** Pnl */
            pnl: number | null;
            /** Session Id */
            session_id: number | null;
            /** Strategy Id */
            strategy_id: number | null;
            /** Strategy Name */
            strategy_name: string | null;
            /**
             * Time
             * Format: date-time
             */
            time: string;
        };
        /** TimelinePage */
        TimelinePage: {
            /** Items */
            items: components["schemas"]["TimelineItem"][];
            /** Page */
            page: number;
            /** Page Size */
            page_size: number;
            /** Total */
            total: number;
        };
        /** TradingStateOut */
        TradingStateOut: {
            engine: components["schemas"]["EngineOut"];
            /** Sessions */
            sessions: components["schemas"]["SessionStateOut"][];
            summary: components["schemas"]["SummaryOut"];
        };
        /** TrailingStopRule */
        TrailingStopRule: {
            /** Lock Pct */
            lock_pct: number;
            /** Trigger Pct */
            trigger_pct: number;
        };
        /** TripRequest */
        TripRequest: {
            /**
             * Reason
             * @default tripped by an operator
             */
            reason: string;
        };
        /** UserCreate */
        UserCreate: {
            /** Password */
            password: string;
            /**
             * Role
             * @enum {string}
             */
            role: "admin" | "viewer";
            /** Username */
            username: string;
        };
        /** UserOut */
        UserOut: {
            /** Active */
            active: boolean;
            /**
             * Active Sessions
             * @description auth sessions neither revoked nor expired
             */
            active_sessions: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Role
             * @enum {string}
             */
            role: "admin" | "viewer";
            /** Username */
            username: string;
        };
        /** UserUpdate */
        UserUpdate: {
            /** Active */
            active?: boolean | null;
            /** Role */
            role?: ("admin" | "viewer") | null;
        };
        /** ValidationError */
        ValidationError: {
            /** Context */
            ctx?: Record<string, never>;
            /** Input */
            input?: unknown;
            /** Location */
            loc: (string | number)[];
            /** Message */
            msg: string;
            /** Error Type */
            type: string;
        };
        /** VolumeBucket */
        VolumeBucket: {
            /**
             * Counts
             * @description rows per level; levels without rows left out
             */
            counts: {
                [key: string]: number;
            };
            /** Start */
            start: string;
        };
        /** VolumeHistogramOut */
        VolumeHistogramOut: {
            /** Bucket Seconds */
            bucket_seconds: number;
            /** Buckets */
            buckets: components["schemas"]["VolumeBucket"][];
            /** End */
            end: string;
            /** Start */
            start: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    analytics_export_api_analytics_export_get: {
        parameters: {
            query: {
                end?: string | null;
                format: string;
                preset?: "today" | "7d" | "30d" | "90d" | "ytd" | "all";
                start?: string | null;
                strategy_id?: number | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Sections `# metadata`, `# metrics` and `# timeline`, streamed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    analytics_history_api_analytics_history_get: {
        parameters: {
            query?: {
                end?: string | null;
                page?: number;
                page_size?: number;
                preset?: "today" | "7d" | "30d" | "90d" | "ytd" | "all";
                start?: string | null;
                strategy_id?: number | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsHistory"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    record_play_event_api_audit_events_post: {
        parameters: {
            query?: never;
            header?: {
                "X-API-Key"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AuditEventIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditRecorded"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    login_api_auth_login_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many attempts; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
        };
    };
    logout_api_auth_logout_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
        };
    };
    me_api_auth_me_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
        };
    };
    change_password_api_auth_password_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordChange"];
            };
        };
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many attempts; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
        };
    };
    refresh_api_auth_refresh_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    liveness_api_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Liveness"];
                };
            };
        };
    };
    deployments_api_health_deployments_get: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentHistory"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    detail_api_health_detail_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
        };
    };
    ready_api_health_ready_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Not ready; `reasons` says why */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    get_kill_switch_api_kill_switch_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KillSwitchOut"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
        };
    };
    rearm_kill_switch_api_kill_switch_rearm_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KillSwitchOut"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
        };
    };
    trip_kill_switch_api_kill_switch_trip_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TripRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KillSwitchOut"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    list_logs_api_logs_get: {
        parameters: {
            query?: {
                actor?: string | null;
                /** @description search the days loaded back by `logs import-archive` */
                archived?: boolean;
                correlation_id?: string | null;
                cursor?: string | null;
                end?: string | null;
                event?: string | null;
                level?: string[] | null;
                limit?: number;
                logger?: string | null;
                /** @description which end first */
                order?: "newest" | "oldest";
                /** @description every word, or part of one, in the message or payload */
                q?: string | null;
                source?: ("backend" | "ui" | "ingest" | "edge") | "frontend" | null;
                start?: string | null;
                /** @description `field=value` keeps rows where the field has the value, `field!=value` drops them; a field is level, logger, event, message, correlation_id, strategy_id, source, actor or payload.<key>[.<key>…]. Includes of one field are alternatives, all else must hold. */
                where?: string[] | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogPage"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    context_api_logs__log_id__context_get: {
        parameters: {
            query?: {
                after?: number;
                archived?: boolean;
                before?: number;
            };
            header?: never;
            path: {
                log_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogContext"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    ingest_batch_api_logs_batch_post: {
        parameters: {
            query?: never;
            header?: {
                "X-API-Key"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    entries: ({
                        /** Correlation Id */
                        correlation_id?: string | null;
                        /** Event */
                        event?: string | null;
                        /**
                         * Level
                         * @default INFO
                         * @enum {string}
                         */
                        level?: "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";
                        /** Logger */
                        logger?: string | null;
                        /** Message */
                        message: string;
                        /** Strategy Id */
                        strategy_id?: string | null;
                        /** Ts */
                        ts?: string | null;
                    } & {
                        [key: string]: unknown;
                    })[];
                };
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchStored"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Body or entries invalid */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchRejected"];
                };
            };
        };
    };
    download_logs_api_logs_download_get: {
        parameters: {
            query?: {
                actor?: string | null;
                /** @description search the days loaded back by `logs import-archive` */
                archived?: boolean;
                correlation_id?: string | null;
                end?: string | null;
                event?: string | null;
                format?: "ndjson" | "csv";
                level?: string[] | null;
                logger?: string | null;
                /** @description every word, or part of one, in the message or payload */
                q?: string | null;
                source?: ("backend" | "ui" | "ingest" | "edge") | "frontend" | null;
                start?: string | null;
                /** @description `field=value` keeps rows where the field has the value, `field!=value` drops them; a field is level, logger, event, message, correlation_id, strategy_id, source, actor or payload.<key>[.<key>…]. Includes of one field are alternatives, all else must hold. */
                where?: string[] | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every matching row, newest first: one JSON object a line, or CSV with a header row (cells a spreadsheet would run as a formula start with ') */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": string;
                    "text/csv": string;
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    facets_api_logs_facets_get: {
        parameters: {
            query?: {
                end?: string | null;
                start?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogFacets"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    histogram_api_logs_histogram_get: {
        parameters: {
            query?: {
                actor?: string | null;
                /** @description search the days loaded back by `logs import-archive` */
                archived?: boolean;
                correlation_id?: string | null;
                end?: string | null;
                event?: string | null;
                level?: string[] | null;
                logger?: string | null;
                /** @description every word, or part of one, in the message or payload */
                q?: string | null;
                source?: ("backend" | "ui" | "ingest" | "edge") | "frontend" | null;
                start?: string | null;
                /** @description `field=value` keeps rows where the field has the value, `field!=value` drops them; a field is level, logger, event, message, correlation_id, strategy_id, source, actor or payload.<key>[.<key>…]. Includes of one field are alternatives, all else must hold. */
                where?: string[] | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VolumeHistogramOut"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    hand_off_engine_api_ops_engine_hand_off_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HandOffOut"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
        };
    };
    get_trading_state_api_ops_trading_state_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TradingStateOut"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
        };
    };
    list_sessions_api_sessions_get: {
        parameters: {
            query?: {
                status?: ("running" | "paused" | "stopped" | "panic_closed" | "interrupted") | null;
                strategy_id?: number | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionOut"][];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    get_session_api_sessions__session_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    control_session_api_sessions__session_id___action__post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                action: "pause" | "resume" | "stop" | "panic";
                session_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionOut"];
                };
            };
            /** @description A live session's stop or panic is under way: the engine is still buying the position back on Delta; the session ends when it has. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionOut"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    session_events_api_sessions__session_id__events_get: {
        parameters: {
            query?: {
                /** @description 1 is the newest */
                page?: number;
                page_size?: number;
            };
            header?: never;
            path: {
                session_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    session_fills_api_sessions__session_id__fills_get: {
        parameters: {
            query?: {
                /** @description 1 is the newest */
                page?: number;
                page_size?: number;
            };
            header?: never;
            path: {
                session_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FillPage"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    session_pnl_api_sessions__session_id__pnl_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SeriesPoint"][];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    list_strategies_api_strategies_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StrategyOut"][];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
        };
    };
    create_strategy_api_strategies_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StrategyConfig"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StrategyOut"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    get_strategy_api_strategies__strategy_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                strategy_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StrategyOut"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    replace_strategy_api_strategies__strategy_id__put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                strategy_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StrategyConfig"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StrategyOut"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    delete_strategy_api_strategies__strategy_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                strategy_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    update_strategy_api_strategies__strategy_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                strategy_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StrategyOut"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    backtest_strategy_api_strategies__strategy_id__backtest_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                strategy_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BacktestRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BacktestResponse"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    export_backtest_api_strategies__strategy_id__backtest_export_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                strategy_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BacktestRequest"];
            };
        };
        responses: {
            /** @description Sections `# metadata`, `# metrics` and `# trades`, streamed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    create_session_api_strategies__strategy_id__sessions_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                strategy_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StartSession"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionOut"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    get_users_api_users_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserOut"][];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
        };
    };
    add_user_api_users_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UserCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserOut"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    update_user_api_users__username__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UserUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserOut"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Conflict with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    reset_password_api_users__username__password_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordReset"];
            };
        };
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    revoke_sessions_api_users__username__revoke_sessions_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Revoked"];
                };
            };
            /** @description Not signed in, or the token is expired or superseded */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Signed in, but the role or the credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDetail"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    metrics_metrics_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
}

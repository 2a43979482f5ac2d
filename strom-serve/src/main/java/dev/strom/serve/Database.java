package dev.strom.serve;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The connection pool shared by the job queue and the video store. */
final class Database {

    private Database() {
    }

    static HikariDataSource open(String jdbcUrl) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        c.setMaximumPoolSize(8);
        c.setPoolName("strom");
        // a missing or unreachable database is a start-up error, not a retry loop
        c.setInitializationFailTimeout(1);
        return new HikariDataSource(c);
    }
}

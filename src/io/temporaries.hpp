// Shared by AtomicFile and OutputFolder (private to io): recognising the temporaries a killed
// process left behind, by the PID in their name.
#pragma once

#include <string>

namespace scrutineer::io::detail {

// True when a process of that id runs (or exists under another user).
bool process_alive(long pid);

// The PID in a temporary's name `PREFIX<pid>` (folders, `with_counter` false) or
// `PREFIX<pid>-<n>` (files, `with_counter` true); -1 when `name` is not of that form.
long temporary_pid(const std::string& name, const std::string& prefix, bool with_counter);

// True when `name` is a temporary of a process that has ended (never this process's own).
bool stale_temporary(const std::string& name, const std::string& prefix, bool with_counter);

}  // namespace scrutineer::io::detail

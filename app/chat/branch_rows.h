// A conversation's visible branch as the chat page shows it, read on a worker thread.
#pragma once

#include <QVariantList>

#include "conversation_store.h"

// [{id, author, answer, reasoning, status, error, effort, toolName, toolArguments, siblingIndex,
// siblingCount}] from the first message to the current leaf. toolName is the tool an answer
// called, or the one a tool message answers for ("functions.get_weather"); empty otherwise.
// siblingCount is how many versions the message has (edits of a question, regenerations of an
// answer); siblingIndex is this one's place among them, from 0.
hearth::Result<QVariantList> branch_rows(hearth::store::ConversationStore& store,
                                         hearth::store::ConversationId conversation);

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>ChatPage</name>
    <message>
        <source>Open a gpt-oss model</source>
        <translation>gpt-oss 모델 열기</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 모델 (*.gguf)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>모든 파일 (*)</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>모델을 불러오는 중…</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>모델을 불러오지 못했습니다: %1</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>불러온 모델 없음</translation>
    </message>
    <message>
        <source>Open a model file</source>
        <translation>모델 파일 열기</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>모델 열기…</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>추론</translation>
    </message>
    <message>
        <source>Reasoning effort for this chat</source>
        <translation>이 대화의 추론 강도</translation>
    </message>
    <message>
        <source>Main menu</source>
        <translation>주 메뉴</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <source>What&apos;s on your mind?</source>
        <translation>무엇이든 물어보세요</translation>
    </message>
    <message>
        <source>Hearth runs gpt-oss entirely on this computer. Nothing you write leaves it.</source>
        <translation>Hearth는 gpt-oss를 이 컴퓨터에서만 실행합니다. 입력한 내용은 컴퓨터 밖으로 나가지 않습니다.</translation>
    </message>
    <message>
        <source>The model is still loading. Your message is kept in the box below.</source>
        <translation>모델을 아직 불러오는 중입니다. 메시지는 아래 입력란에 그대로 있습니다.</translation>
    </message>
    <message>
        <source>No model is loaded yet, so Hearth cannot answer. Open a model; your message is kept in the box below.</source>
        <translation>아직 불러온 모델이 없어 Hearth가 답할 수 없습니다. 모델을 여세요. 메시지는 아래 입력란에 그대로 있습니다.</translation>
    </message>
    <message>
        <source>low</source>
        <translation>낮음</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>보통</translation>
    </message>
    <message>
        <source>high</source>
        <translation>높음</translation>
    </message>
    <message>
        <source>How much of the model is loaded</source>
        <translation>모델을 불러온 정도</translation>
    </message>
    <message>
        <source>Stop loading the model</source>
        <translation>모델 불러오기 중지</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>%1. Reload the model to go on.</source>
        <translation>%1. 계속하려면 모델을 다시 불러오세요.</translation>
    </message>
    <message>
        <source>Load the model again</source>
        <translation>모델 다시 불러오기</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>다시 불러오기</translation>
    </message>
    <message>
        <source>Hearth cannot answer until the model is loaded again (%1). Press Reload; your message is kept in the box below.</source>
        <translation>모델을 다시 불러올 때까지 Hearth가 답할 수 없습니다(%1). 다시 불러오기를 누르세요. 메시지는 아래 입력란에 남아 있습니다.</translation>
    </message>
</context>
<context>
    <name>CodeBlock</name>
    <message>
        <source>code</source>
        <translation>코드</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>복사됨</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Copy the code</source>
        <translation>코드 복사</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <source>Message gpt-oss…</source>
        <translation>gpt-oss에게 메시지 보내기…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <source>Stop the answer</source>
        <translation>답변 중지</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>메시지 보내기</translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <source>Pinned</source>
        <translation>고정됨</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>오늘</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>어제</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>지난 7일</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>이전</translation>
    </message>
</context>
<context>
    <name>ConversationRow</name>
    <message>
        <source>Untitled</source>
        <translation>제목 없음</translation>
    </message>
    <message>
        <source>%1, pinned</source>
        <translation>%1, 고정됨</translation>
    </message>
    <message>
        <source>New title</source>
        <translation>새 제목</translation>
    </message>
    <message>
        <source>Actions for %1</source>
        <translation>%1 작업</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>이름 바꾸기</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>고정 해제</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>고정</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
</context>
<context>
    <name>ErrorBlock</name>
    <message>
        <source>The answer failed: %1</source>
        <translation>답변을 만들지 못했습니다: %1</translation>
    </message>
</context>
<context>
    <name>FirstRunPage</name>
    <message>
        <source>Open a gpt-oss model</source>
        <translation>gpt-oss 모델 열기</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 모델 (*.gguf)</translation>
    </message>
    <message>
        <source>Hugging Face config (config.json)</source>
        <translation>Hugging Face 설정 (config.json)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>모든 파일 (*)</translation>
    </message>
    <message>
        <source>Add a folder to search for models</source>
        <translation>모델을 찾을 폴더 추가</translation>
    </message>
    <message>
        <source>Welcome to Hearth</source>
        <translation>Hearth에 오신 것을 환영합니다</translation>
    </message>
    <message>
        <source>Hearth runs OpenAI&apos;s gpt-oss-20b on this computer. Choose a model file you already have, or download it once (about 12 GB); after that nothing leaves this computer.</source>
        <translation>Hearth는 OpenAI의 gpt-oss-20b를 이 컴퓨터에서 실행합니다. 이미 있는 모델 파일을 고르거나 한 번만 내려받으세요(약 12 GB). 그 뒤로는 아무것도 이 컴퓨터 밖으로 나가지 않습니다.</translation>
    </message>
    <message>
        <source>Models on this computer</source>
        <translation>이 컴퓨터의 모델</translation>
    </message>
    <message>
        <source>Search again</source>
        <translation>다시 찾기</translation>
    </message>
    <message>
        <source>No gpt-oss model was found in LM Studio, GPT4All, the Hugging Face cache, Downloads or your folders.</source>
        <translation>LM Studio, GPT4All, Hugging Face 캐시, 다운로드 폴더와 추가한 폴더에서 gpt-oss 모델을 찾지 못했습니다.</translation>
    </message>
    <message>
        <source>Open file…</source>
        <translation>파일 열기…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>폴더 추가…</translation>
    </message>
    <message>
        <source>Download gpt-oss-20b</source>
        <translation>gpt-oss-20b 내려받기</translation>
    </message>
    <message>
        <source>%1 from %2 on Hugging Face, saved in %3.</source>
        <translation>Hugging Face의 %2에서 %1, %3에 저장됩니다.</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>이어 받기</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>내려받기</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 중지</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Checking the file&apos;s SHA-256…</source>
        <translation>파일의 SHA-256 확인 중…</translation>
    </message>
    <message>
        <source>Paused at %1</source>
        <translation>%1에서 일시 중지됨</translation>
    </message>
    <message>
        <source>Downloaded to %1</source>
        <translation>%1에 내려받음</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>나중에</translation>
    </message>
</context>
<context>
    <name>InferenceWorker</name>
    <message>
        <source>No model is loaded.</source>
        <translation>불러온 모델이 없습니다.</translation>
    </message>
</context>
<context>
    <name>LinkDialog</name>
    <message>
        <source>Open this link?</source>
        <translation>이 링크를 열까요?</translation>
    </message>
    <message>
        <source>The answer links to this address. Open it in your browser?</source>
        <translation>답변이 이 주소로 연결됩니다. 브라우저에서 열까요?</translation>
    </message>
    <message>
        <source>Hearth opens only web and e-mail links. You can copy this address instead.</source>
        <translation>Hearth는 웹과 이메일 링크만 엽니다. 대신 이 주소를 복사할 수 있습니다.</translation>
    </message>
    <message>
        <source>Link address</source>
        <translation>링크 주소</translation>
    </message>
    <message>
        <source>Copy address</source>
        <translation>주소 복사</translation>
    </message>
    <message>
        <source>Copy the address</source>
        <translation>주소 복사하기</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>열기</translation>
    </message>
    <message>
        <source>Open the link in the browser</source>
        <translation>브라우저에서 링크 열기</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>Edit your message</source>
        <translation>내 메시지 수정</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <source>Send the edited message</source>
        <translation>수정한 메시지 보내기</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <source>Cut off at the length limit</source>
        <translation>길이 제한에서 잘림</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>이전 버전</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>다음 버전</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>수정</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>이어 쓰기</translation>
    </message>
    <message>
        <source>Continue the answer</source>
        <translation>답변 이어 쓰기</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>다시 생성</translation>
    </message>
    <message>
        <source>Write the answer again</source>
        <translation>답변 다시 쓰기</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>복사됨</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Copy your message</source>
        <translation>내 메시지 복사</translation>
    </message>
    <message>
        <source>Copy the answer</source>
        <translation>답변 복사</translation>
    </message>
    <message>
        <source>low reasoning</source>
        <translation>추론 낮음</translation>
    </message>
    <message>
        <source>high reasoning</source>
        <translation>추론 높음</translation>
    </message>
    <message>
        <source>medium reasoning</source>
        <translation>추론 보통</translation>
    </message>
    <message>
        <source>Interrupted when Hearth closed</source>
        <translation>Hearth가 닫히면서 중단됨</translation>
    </message>
    <message>
        <source>Stopped: the model kept calling tools</source>
        <translation>중지됨: 모델이 도구를 계속 호출함</translation>
    </message>
    <message>
        <source>Interrupted: %1</source>
        <translation>중단됨: %1</translation>
    </message>
    <message>
        <source>Sending waits for a loaded model</source>
        <translation>모델이 로드되어야 보낼 수 있습니다</translation>
    </message>
</context>
<context>
    <name>ModelDetailsDialog</name>
    <message>
        <source>Model details</source>
        <translation>모델 정보</translation>
    </message>
    <message>
        <source>Reading the model&apos;s headers…</source>
        <translation>모델 헤더를 읽는 중…</translation>
    </message>
    <message>
        <source>This model cannot be read: %1</source>
        <translation>이 모델을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>아키텍처</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>형식</translation>
    </message>
    <message>
        <source>Hugging Face folder (safetensors)</source>
        <translation>Hugging Face 폴더(safetensors)</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>매개변수</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>양자화</translation>
    </message>
    <message>
        <source>%1 experts, %2 elsewhere</source>
        <translation>전문가 %1, 나머지 %2</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>컨텍스트 길이</translation>
    </message>
    <message>
        <source>%1 tokens (%2 before YaRN scaling)</source>
        <translation>%1 토큰(YaRN 확장 전 %2)</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 토큰</translation>
    </message>
    <message>
        <source>Sliding window</source>
        <translation>슬라이딩 윈도</translation>
    </message>
    <message>
        <source>%1 tokens, on every other layer</source>
        <translation>%1 토큰, 한 층 걸러 적용</translation>
    </message>
    <message>
        <source>License</source>
        <translation>라이선스</translation>
    </message>
    <message>
        <source>not stated in the file</source>
        <translation>파일에 명시되지 않음</translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation>디스크 크기</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>위치</translation>
    </message>
    <message>
        <source>Hearth is using this model. Open another one before removing it.</source>
        <translation>Hearth가 이 모델을 사용 중입니다. 삭제하려면 먼저 다른 모델을 여세요.</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>폴더에서 보기</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>삭제…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
</context>
<context>
    <name>ModelDiscovery</name>
    <message>
        <source>Fits: needs %1 of %2, %3-token context</source>
        <translation>실행 가능: %2 중 %1 필요, 컨텍스트 %3 토큰</translation>
    </message>
    <message>
        <source>Does not fit: needs %1, this computer has %2</source>
        <translation>실행 불가: %1 필요, 이 컴퓨터에는 %2</translation>
    </message>
    <message>
        <source>Hugging Face cache</source>
        <translation>Hugging Face 캐시</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>다운로드 폴더</translation>
    </message>
    <message>
        <source>Added folder</source>
        <translation>추가한 폴더</translation>
    </message>
    <message>
        <source>Hugging Face folder</source>
        <translation>Hugging Face 폴더</translation>
    </message>
    <message>
        <source>%1 has no tokenizer.json</source>
        <translation>%1에 tokenizer.json이 없습니다</translation>
    </message>
</context>
<context>
    <name>ModelDownloader</name>
    <message>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1분</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1시간 %2분</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%2 중 %1</translation>
    </message>
    <message>
        <source>, %1/s</source>
        <translation>, 초당 %1</translation>
    </message>
    <message>
        <source>, %1 left</source>
        <translation>, %1 남음</translation>
    </message>
    <message>
        <source>Not enough disk space: %1 more is needed in %2, which has %3 free. Free some space or choose another folder, then try again.</source>
        <translation>디스크 공간이 부족합니다: %2에 %1이 더 필요하지만 남은 공간은 %3입니다. 공간을 비우거나 다른 폴더를 고른 뒤 다시 시도하세요.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1</source>
        <translation>%1 폴더를 만들 수 없습니다</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1에 쓸 수 없습니다: %2</translation>
    </message>
    <message>
        <source>The server resumed at the wrong place; press Cancel, then Download to start over.</source>
        <translation>서버가 잘못된 위치에서 이어 보냈습니다. 취소를 누른 뒤 내려받기를 눌러 처음부터 다시 받으세요.</translation>
    </message>
    <message>
        <source>Could not write %1 (%2, %3 free). Free some space, then press Resume.</source>
        <translation>%1에 쓰지 못했습니다 (%2, 남은 공간 %3). 공간을 비운 뒤 이어 받기를 누르세요.</translation>
    </message>
    <message>
        <source>%1 redirects too often; try again later.</source>
        <translation>%1이(가) 너무 자주 리디렉션합니다. 나중에 다시 시도하세요.</translation>
    </message>
    <message>
        <source>%1 was not found in %2 on %3 (HTTP 404). Check the repository and file name.</source>
        <translation>%3의 %2에서 %1을(를) 찾을 수 없습니다 (HTTP 404). 저장소와 파일 이름을 확인하세요.</translation>
    </message>
    <message>
        <source>%1 answered HTTP %2 (%3). Try again later.</source>
        <translation>%1이(가) HTTP %2 (%3)로 응답했습니다. 나중에 다시 시도하세요.</translation>
    </message>
    <message>
        <source>Cannot reach %1 (%2). Check the internet connection, then try again.</source>
        <translation>%1에 연결할 수 없습니다 (%2). 인터넷 연결을 확인한 뒤 다시 시도하세요.</translation>
    </message>
    <message>
        <source>The connection was lost after %1. Press Resume to continue from there.</source>
        <translation>%1을(를) 받은 뒤 연결이 끊겼습니다. 이어 받기를 눌러 그 지점부터 계속하세요.</translation>
    </message>
    <message>
        <source>The downloaded file is damaged: its SHA-256 is %1, not %2. It was deleted; press Download to try again.</source>
        <translation>내려받은 파일이 손상되었습니다: SHA-256이 %2가 아니라 %1입니다. 파일을 삭제했습니다. 내려받기를 눌러 다시 시도하세요.</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>읽을 수 없음</translation>
    </message>
    <message>
        <source>Cannot rename %1 to %2</source>
        <translation>%1의 이름을 %2(으)로 바꿀 수 없습니다</translation>
    </message>
</context>
<context>
    <name>ModelLibrary</name>
    <message>
        <source>Downloaded by Hearth</source>
        <translation>Hearth가 내려받은 모델</translation>
    </message>
</context>
<context>
    <name>ModelRemoval</name>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1이(가) 없습니다.</translation>
    </message>
    <message>
        <source>%1 is not a GGUF model file.</source>
        <translation>%1은(는) GGUF 모델 파일이 아닙니다.</translation>
    </message>
    <message>
        <source>%1 is not a Hugging Face gpt-oss folder.</source>
        <translation>%1은(는) Hugging Face gpt-oss 폴더가 아닙니다.</translation>
    </message>
    <message>
        <source>Could not delete %1.</source>
        <translation>%1을(를) 삭제하지 못했습니다.</translation>
    </message>
</context>
<context>
    <name>ModelRow</name>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>Cannot be used: %1</source>
        <translation>사용할 수 없음: %1</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>사용</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>정보…</translation>
    </message>
</context>
<context>
    <name>ReasoningBlock</name>
    <message>
        <source>Hide the reasoning: </source>
        <translation>추론 숨기기: </translation>
    </message>
    <message>
        <source>Show the reasoning: </source>
        <translation>추론 보기: </translation>
    </message>
    <message>
        <source>Thinking… %1 s</source>
        <translation>생각하는 중… %1초</translation>
    </message>
    <message>
        <source>Thought for %1 s · %2 tokens</source>
        <translation>%1초 동안 생각함 · 토큰 %2개</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>추론</translation>
    </message>
</context>
<context>
    <name>RemoveModelDialog</name>
    <message>
        <source>Remove this model?</source>
        <translation>이 모델을 삭제할까요?</translation>
    </message>
    <message>
        <source>This deletes the %1 model files of %2 (%3) from this computer. Other files in the folder stay.</source>
        <translation>이 컴퓨터에서 %2의 모델 파일 %1개(%3)를 삭제합니다. 폴더의 다른 파일은 남겨 둡니다.</translation>
    </message>
    <message>
        <source>This deletes %1 (%2) from this computer.</source>
        <translation>이 컴퓨터에서 %1(%2)을(를) 삭제합니다.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
</context>
<context>
    <name>SearchResultRow</name>
    <message>
        <source>Untitled</source>
        <translation>제목 없음</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>답변</translation>
    </message>
    <message>
        <source>Reasoning effort</source>
        <translation>추론 강도</translation>
    </message>
    <message>
        <source>How long gpt-oss thinks before it answers. Used for new chats.</source>
        <translation>gpt-oss가 답하기 전에 생각하는 정도입니다. 새 대화에 적용됩니다.</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>낮음</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>보통</translation>
    </message>
    <message>
        <source>High</source>
        <translation>높음</translation>
    </message>
    <message>
        <source>Reasoning effort: %1</source>
        <translation>추론 강도: %1</translation>
    </message>
    <message>
        <source>Instructions</source>
        <translation>지침</translation>
    </message>
    <message>
        <source>Instructions for the model</source>
        <translation>모델에게 주는 지침</translation>
    </message>
    <message>
        <source>Given to the model at the start of every chat, e.g. &quot;Answer briefly, in Korean.&quot;</source>
        <translation>모든 대화를 시작할 때 모델에게 전달됩니다. 예: &quot;한국어로 짧게 답하세요.&quot;</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>온도</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>제한 없음</translation>
    </message>
    <message>
        <source>Longest answer</source>
        <translation>최대 답변 길이</translation>
    </message>
    <message>
        <source>Longest answer in tokens</source>
        <translation>최대 답변 길이(토큰)</translation>
    </message>
    <message>
        <source>tokens, reasoning included</source>
        <translation>토큰, 추론 포함</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>컨텍스트 길이</translation>
    </message>
    <message>
        <source>Context length in tokens</source>
        <translation>컨텍스트 길이(토큰)</translation>
    </message>
    <message>
        <source>Its memory (KV cache): %1</source>
        <translation>필요한 메모리(KV 캐시): %1</translation>
    </message>
    <message>
        <source>Load a model to see the memory this needs.</source>
        <translation>필요한 메모리를 보려면 모델을 불러오세요.</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>백엔드</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>자동</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>불러온 모델 없음</translation>
    </message>
    <message>
        <source>Reload the model to apply</source>
        <translation>적용하려면 모델 다시 불러오기</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>모양</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>테마</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>시스템 설정 따르기</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <source>Text size</source>
        <translation>글자 크기</translation>
    </message>
    <message>
        <source>Text size in pixels</source>
        <translation>글자 크기(픽셀)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>The language changes when Hearth starts again.</source>
        <translation>언어는 Hearth를 다시 시작하면 바뀝니다.</translation>
    </message>
    <message>
        <source>About Hearth</source>
        <translation>Hearth 정보</translation>
    </message>
    <message>
        <source>Version %1 (%2)
Backends: %3</source>
        <translation>버전 %1 (%2)
백엔드: %3</translation>
    </message>
    <message>
        <source>Its memory (KV cache): %1, for the %2 tokens this model allows</source>
        <translation>필요한 메모리(KV 캐시): %1, 이 모델이 허용하는 %2 토큰 기준</translation>
    </message>
    <message>
        <source>In use: %1, %2 tokens of context</source>
        <translation>사용 중: %1, 컨텍스트 %2 토큰</translation>
    </message>
    <message>
        <source>Automatic (%1 tokens)</source>
        <translation>자동(%1 토큰)</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>정보…</translation>
    </message>
    <message>
        <source>CUDA (NVIDIA)</source>
        <translation>CUDA (NVIDIA)</translation>
    </message>
    <message>
        <source>Vulkan: %1</source>
        <translation>Vulkan: %1</translation>
    </message>
    <message>
        <source>Vulkan</source>
        <translation>Vulkan</translation>
    </message>
    <message>
        <source>This device is not on this computer now; choose another.</source>
        <translation>이 장치는 지금 이 컴퓨터에 없습니다. 다른 것을 선택하세요.</translation>
    </message>
    <message>
        <source>This cannot run the model here: %1</source>
        <translation>여기서는 이것으로 모델을 실행할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>KV 캐시</translation>
    </message>
    <message>
        <source>16-bit</source>
        <translation>16비트</translation>
    </message>
    <message>
        <source>8-bit: half the memory, slightly less exact</source>
        <translation>8비트: 메모리 절반, 정확도는 약간 낮음</translation>
    </message>
    <message>
        <source>8-bit fits longer contexts on a GPU. The CPU keeps 32-bit values.</source>
        <translation>8비트를 쓰면 GPU에서 더 긴 컨텍스트가 들어갑니다. CPU는 32비트 값을 유지합니다.</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>새 대화</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>대화 검색</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>대화 검색하기</translation>
    </message>
    <message>
        <source>Conversations cannot be saved: %1</source>
        <translation>대화를 저장할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>No conversations yet.
Your chats will be listed here.</source>
        <translation>아직 대화가 없습니다.
대화가 여기에 표시됩니다.</translation>
    </message>
    <message>
        <source>No conversation matches.</source>
        <translation>일치하는 대화가 없습니다.</translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message>
        <source>Loading the model…</source>
        <translation>모델을 불러오는 중…</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>불러온 모델 없음</translation>
    </message>
    <message>
        <source>context %1 / %2 tokens</source>
        <translation>컨텍스트 %1 / %2 토큰</translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation>초당 %1 토큰</translation>
    </message>
    <message>
        <source>first token after %1 s</source>
        <translation>첫 토큰까지 %1초</translation>
    </message>
    <message>
        <source>VRAM %1</source>
        <translation>VRAM %1</translation>
    </message>
    <message>
        <source>RAM %1</source>
        <translation>RAM %1</translation>
    </message>
</context>
<context>
    <name>ToolBlock</name>
    <message>
        <source>Hide the details: </source>
        <translation>자세히 숨기기: </translation>
    </message>
    <message>
        <source>Show the details: </source>
        <translation>자세히 보기: </translation>
    </message>
</context>
<context>
    <name>ToolCallBlock</name>
    <message>
        <source>Tool call: %1</source>
        <translation>도구 호출: %1</translation>
    </message>
</context>
<context>
    <name>ToolResultBlock</name>
    <message>
        <source>Tool result: %1 is not available in Hearth</source>
        <translation>도구 결과: Hearth에서는 %1을(를) 사용할 수 없음</translation>
    </message>
</context>
<context>
    <name>UndoToast</name>
    <message>
        <source>Deleted “%1”</source>
        <translation>“%1” 삭제됨</translation>
    </message>
    <message>
        <source>Conversation deleted</source>
        <translation>대화 삭제됨</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Undo the deletion</source>
        <translation>삭제 취소</translation>
    </message>
</context>
</TS>
